; Environment variable reads: process.env.X, process.env['X'],
; import.meta.env.X, const { X } = process.env. The Rust side checks that
; the base is `process` or `import.meta`.

(member_expression
  object: (member_expression
    object: (_) @env.base
    property: (property_identifier) @_env)
  property: (property_identifier) @env.name
  (#eq? @_env "env"))

(subscript_expression
  object: (member_expression
    object: (_) @env.base
    property: (property_identifier) @_env)
  index: (string) @env.name_string
  (#eq? @_env "env"))

(variable_declarator
  name: (object_pattern) @env.pattern
  value: (member_expression
    object: (_) @env.base
    property: (property_identifier) @_env)
  (#eq? @_env "env"))
