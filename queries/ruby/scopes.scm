; Lexical scopes: what owns a definition and which body a call sits in.

(class
  name: (_) @scope.class.name) @scope.class

(module
  name: (_) @scope.module.name) @scope.module

; class << self
(singleton_class
  value: (self)) @scope.singleton_class

; Point = Struct.new(:x) do ... end   (also Class.new / Data.define)
(assignment
  left: (constant) @scope.struct.name
  right: (call
    receiver: (constant) @_struct
    block: (_) @scope.struct)
  (#any-of? @_struct "Struct" "Class" "Data"))

; ActiveSupport::Concern: class_methods do ... end
(call
  !receiver
  method: (identifier) @_class_methods
  block: (_) @scope.class_methods
  (#eq? @_class_methods "class_methods"))
