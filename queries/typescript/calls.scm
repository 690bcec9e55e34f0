; Call sites and references.

(call_expression
  function: (identifier) @call.name)

(call_expression
  function: (member_expression
    object: (_) @call.receiver
    property: (_) @call.name))

; obj['name']() is a call by name; obj[name]() is dynamic dispatch.
(call_expression
  function: (subscript_expression
    object: (_) @call.computed.receiver
    index: (_) @call.computed.index))

; A method or function used without being called: onClick={this.save},
; arr.map(format), { format }.
(member_expression
  property: (property_identifier) @ref.member)

(identifier) @ref.identifier

(shorthand_property_identifier) @ref.identifier

; const p = new Player() / (p: Player) => ...: `p.m()` is then a call on a
; Player.
(variable_declarator
  name: (identifier) @local.typed.name
  value: (new_expression
    constructor: (identifier) @local.typed.class))

(required_parameter
  pattern: (identifier) @local.typed.name
  type: (type_annotation
    (type_identifier) @local.typed.class))

(optional_parameter
  pattern: (identifier) @local.typed.name
  type: (type_annotation
    (type_identifier) @local.typed.class))
