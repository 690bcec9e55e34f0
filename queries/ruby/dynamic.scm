; Dynamic dispatch and reflection: calls static analysis cannot resolve.

; send(name), public_send(name), method(name), const_get(name) with a
; computed first argument (literal symbols and strings are plain references).
(call
  method: (identifier) @dynamic.method
  arguments: (argument_list
    .
    (_) @dynamic.argument)
  (#any-of? @dynamic.method
    "send" "public_send" "__send__" "try" "method" "instance_method"
    "const_get" "instance_variable_get"))

; "Foo".constantize, name.safe_constantize
(call
  method: (identifier) @dynamic.reflection
  (#any-of? @dynamic.reflection "constantize" "safe_constantize"))
