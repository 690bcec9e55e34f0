; Call sites.

(call
  receiver: (_) @call.receiver
  method: [(identifier) (constant)] @call.name)

(call
  !receiver
  method: [(identifier) (constant)] @call.name)

; A bare identifier may be a paren-less call (`render_all` alone on a line,
; `render_all.each`, `if ready?`); the Rust side drops local variables and
; names that other patterns already explain.
(identifier) @ref.identifier

; Literal symbols name methods: send(:x), &:x, before_action :x, if: :x,
; method(:x), delegate ... to: :x.
(simple_symbol) @ref.symbol

; send("x") / public_send("x") / try("x")
(call
  method: (identifier) @_send
  arguments: (argument_list
    .
    (string
      .
      (string_content) @ref.send_string .))
  (#any-of? @_send "send" "public_send" "__send__" "try" "method" "respond_to?"))

; Local variables and parameters: an identifier with the same name later in
; the same body is a variable, not a call.
(assignment
  left: (identifier) @local.assign)

(operator_assignment
  left: (identifier) @local.assign)

(left_assignment_list
  (identifier) @local.assign)

(method_parameters
  (identifier) @local.param)

(lambda_parameters
  (identifier) @local.param)

(block_parameters
  (identifier) @local.param)

(optional_parameter
  name: (identifier) @local.param)

(keyword_parameter
  name: (identifier) @local.param)

(splat_parameter
  name: (identifier) @local.param)

(hash_splat_parameter
  name: (identifier) @local.param)

(block_parameter
  name: (identifier) @local.param)

(exception_variable
  (identifier) @local.assign)

; x = Const.new(...) / x = Const.find(...): `x.m` is then a call on a Const.
(assignment
  left: (identifier) @local.typed.name
  right: (call
    receiver: [(constant) (scope_resolution)] @local.typed.class
    method: (identifier) @local.typed.method))
