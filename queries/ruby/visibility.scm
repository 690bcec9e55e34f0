; Visibility sections: a bare `private` / `protected` / `public` /
; `module_function` line in a class or module body.
(body_statement
  (identifier) @visibility.section
  (#any-of? @visibility.section "private" "protected" "public" "module_function"))

; private def x / private :a, :b / private_class_method :x / module_function :x
(call
  !receiver
  method: (identifier) @visibility.call
  arguments: (argument_list) @visibility.call.args
  (#any-of? @visibility.call
    "private" "protected" "public" "module_function"
    "private_class_method" "public_class_method"))
