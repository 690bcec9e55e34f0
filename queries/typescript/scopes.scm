; Lexical scopes for TypeScript, TSX and JavaScript.

(class_declaration
  name: (_) @scope.class.name
  body: (class_body) @scope.class)

(abstract_class_declaration
  name: (_) @scope.class.name
  body: (class_body) @scope.class)

(class
  name: (_) @scope.class.name
  body: (class_body) @scope.class)

; const api = { list() {}, get: async () => {} }: members are owned by `api`.
(variable_declarator
  name: (identifier) @scope.object.name
  value: (object) @scope.object)
