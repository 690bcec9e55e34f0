; Method definitions.

(method
  name: (_) @def.method.name) @def.method

; def self.x / def Owner.x
(singleton_method
  name: (_) @def.singleton.name) @def.singleton

; attr_reader :a, define_method(:a), delegate :a, to: :b, alias_method :a, :b
(call
  !receiver
  method: (identifier) @def.macro.kind
  arguments: (argument_list) @def.macro.args
  (#any-of? @def.macro.kind
    "attr_reader" "attr_writer" "attr_accessor" "attr"
    "define_method" "define_singleton_method"
    "delegate" "alias_method" "def_delegator" "def_delegators"))

; alias new_name old_name
(alias
  name: (_) @def.alias.name) @def.alias
