; Definitions: class members, functions, consts holding functions.

(method_definition
  name: (_) @def.method.name) @def.method

; handler = () => {} as a class field
(public_field_definition
  name: (_) @def.field.name
  value: [(arrow_function) (function_expression)]) @def.field

(function_declaration
  name: (identifier) @def.function.name) @def.function

(generator_function_declaration
  name: (identifier) @def.function.name) @def.function

; const f = () => {} / const f = function () {}
(variable_declarator
  name: (identifier) @def.const.name
  value: [(arrow_function) (function_expression)]) @def.const

; { get: async () => {} } inside an object held by a const
(pair
  key: (property_identifier) @def.pair.name
  value: [(arrow_function) (function_expression)]) @def.pair
