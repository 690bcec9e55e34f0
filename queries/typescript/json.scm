; JSON column keys.

; x.column.key, x.column?.key (a write when assigned to)
(member_expression
  object: (member_expression
    property: (property_identifier) @json.member.column)
  property: (property_identifier) @json.member.key)

; column.key where `column` is a local holding the JSON value
(member_expression
  object: (identifier) @json.member.column
  property: (property_identifier) @json.member.key)

; x.column['key'], x.column?.['key']
(subscript_expression
  object: (member_expression
    property: (property_identifier) @json.subscript.column)
  index: (_) @json.subscript.key)

(subscript_expression
  object: (identifier) @json.subscript.column
  index: (_) @json.subscript.key)

; { column: { key: v } }
(pair
  key: (_) @json.pair.column
  value: (object) @json.pair.object)

; const { key } = x.column
(variable_declarator
  name: (object_pattern) @json.destructure.pattern
  value: (member_expression
    property: (property_identifier) @json.destructure.column))

; SQL in strings: column->>'key'
(string_fragment) @json.sql
