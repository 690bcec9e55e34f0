; Exports and imports.

; export function f / export const f = ... / export class C
(export_statement
  declaration: (_) @export.declaration)

; export default f
(export_statement
  value: (identifier) @export.default)

; export { a, b as c }
(export_statement
  !source
  (export_clause
    (export_specifier) @export.local))

; export { a } from './m'  (a re-export is a use of `a`)
(export_statement
  (export_clause
    (export_specifier) @export.reexport)
  source: (string) @export.source)

; module.exports = { a, b } / module.exports = a (exports, never calls)
(assignment_expression
  left: (member_expression
    object: (identifier) @_module
    property: (property_identifier) @_exports)
  right: (_) @export.commonjs
  (#eq? @_module "module")
  (#eq? @_exports "exports"))

; exports.a = ...
(assignment_expression
  left: (member_expression
    object: (identifier) @_exports
    property: (property_identifier) @export.commonjs_name)
  (#eq? @_exports "exports"))

; module.exports.a = ...
(assignment_expression
  left: (member_expression
    object: (member_expression
      object: (identifier) @_module
      property: (property_identifier) @_exports)
    property: (property_identifier) @export.commonjs_name)
  (#eq? @_module "module")
  (#eq? @_exports "exports"))

; import { a, b as c } from './m'
(import_statement
  (import_clause
    (named_imports
      (import_specifier) @import.specifier))
  source: (string) @import.source)

; const { a } = require('./m')
(variable_declarator
  name: (object_pattern) @import.require_pattern
  value: (call_expression
    function: (identifier) @_require
    arguments: (arguments
      .
      (string) @import.source))
  (#eq? @_require "require"))
