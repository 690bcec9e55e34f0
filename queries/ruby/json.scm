; JSON / JSONB column keys.

; column['k'], column[:k], x.column['k'] (a write when it is assigned to)
(element_reference
  object: [(identifier) (call)] @json.index.column
  .
  (_) @json.index.key)

; column.dig('k'), column.fetch(:k), column.merge!(k: v), column.slice(:a, :b)
(call
  receiver: [(identifier) (call)] @json.method.column
  method: (identifier) @json.method.name
  arguments: (argument_list) @json.method.arguments
  (#any-of? @json.method.name
    "dig" "fetch" "key?" "has_key?" "include?" "delete" "store"
    "merge" "merge!" "deep_merge" "deep_merge!" "update" "reverse_merge"
    "slice" "values_at" "fetch_values" "except"))

; update(column: { k: v }), create(column: {...}), { column: {...} };
; update(column: other) and create(column:) write keys we cannot see.
(pair
  key: (_) @json.pair.column) @json.pair

; x.column = { k: v }
(assignment
  left: (call
    method: (identifier) @json.assign.column)
  right: (hash) @json.assign.hash)

; store_accessor :column, :a, :b / store :column, accessors: [:a]
(call
  !receiver
  method: (identifier) @json.store.method
  arguments: (argument_list) @json.store.arguments
  (#any-of? @json.store.method "store_accessor" "store"))

; t.jsonb :column / t.json :column (schema and migrations)
(call
  receiver: (identifier)
  method: (identifier) @_type
  arguments: (argument_list
    .
    (simple_symbol) @json.schema.column)
  (#any-of? @_type "jsonb" "json"))

; SQL in strings and heredocs: column->>'k'
(string_content) @json.sql
(heredoc_content) @json.sql
