//! Exports in JavaScript/TypeScript, through the binary on small
//! workspaces: an export (ESM or CommonJS) makes a function public and is
//! never a call of it (issue 11).

mod common;

use common::{Report, audit, write_files};

fn run(files: &[(&str, &str)], methods: &[&str]) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("web");
    let mut all = vec![("package.json", "{}")];
    all.extend_from_slice(files);
    write_files(&ws, &all);
    let mut plan = String::from("version: 1\nphases:\n  - points:\n");
    for m in methods {
        plan.push_str(&format!("      - method: {m}\n"));
    }
    let p = dir.path().join("plan.yaml");
    std::fs::write(&p, plan).unwrap();
    let (r, code, stderr) = audit(&p, &ws, &["--fail-on", "never"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(r.stats.parse_errors, 0, "{:?}", r.warnings);
    r
}

fn access(r: &Report, id: &str) -> Vec<String> {
    r.finding(id)
        .definitions
        .iter()
        .map(|d| d.access.clone().expect("a method definition has an access"))
        .collect()
}

#[test]
fn module_exports_dot_and_exports_dot_export_the_name() {
    let r = run(
        &[
            (
                "lib/a.js",
                "function viaModuleExports() { return 1 }\nfunction viaExports() { return 2 }\nmodule.exports.viaModuleExports = viaModuleExports;\nexports.viaExports = viaExports;\n",
            ),
            (
                "app/use.js",
                "const { viaModuleExports, viaExports } = require('../lib/a');\nviaModuleExports();\nviaExports();\n",
            ),
        ],
        &["viaModuleExports", "viaExports"],
    );
    for (id, call) in [
        ("method:viaModuleExports", "web/app/use.js:2"),
        ("method:viaExports", "web/app/use.js:3"),
    ] {
        let f = r.finding(id);
        assert_eq!(access(&r, id), ["public"], "{id}");
        assert!(f.problems.is_empty(), "{id}: {:?}", f.problems);
        // The export line (lib/a.js:3 or :4) is not a caller, nor is the
        // require line beside the call.
        assert_eq!(f.callers_found, [call], "{id}");
    }
}

#[test]
fn module_exports_object_and_value_export_but_do_not_call() {
    let r = run(
        &[
            (
                "lib/b.js",
                "function inObject() { return 1 }\nmodule.exports = { inObject };\n",
            ),
            (
                "lib/c.js",
                "function single() { return 1 }\nmodule.exports = single;\n",
            ),
            (
                "lib/d.js",
                "function paired() { return 1 }\nmodule.exports = { renamedKey: paired };\n",
            ),
        ],
        &["inObject", "single", "paired"],
    );
    for id in ["method:inObject", "method:single", "method:paired"] {
        let f = r.finding(id);
        assert_eq!(access(&r, id), ["public"], "{id}");
        assert_eq!(
            f.codes(),
            ["no-callers"],
            "{id}: the export statement is not a caller"
        );
        assert!(f.callers_found.is_empty(), "{id}: {:?}", f.callers_found);
    }
}

#[test]
fn esm_export_statements_are_not_callers() {
    let r = run(
        &[
            ("src/a.ts", "function listed() { return 1 }\nexport { listed };\n"),
            (
                "src/b.ts",
                "function byDefault() { return 1 }\nexport default byDefault;\n",
            ),
            ("src/c.ts", "export default function defaultDecl() { return 1 }\n"),
        ],
        &["listed", "byDefault", "defaultDecl"],
    );
    for id in ["method:listed", "method:byDefault", "method:defaultDecl"] {
        assert_eq!(access(&r, id), ["public"], "{id}");
        assert_eq!(r.finding(id).codes(), ["no-callers"], "{id}");
    }
}

#[test]
fn export_default_function_is_public_and_its_importer_calls_it() {
    let r = run(
        &[
            (
                "src/lib/fmt.ts",
                "export default function fmt(x: number) { return `${x}` }\n",
            ),
            (
                "src/page.ts",
                "import fmt from './lib/fmt';\nexport const s = fmt(1);\n",
            ),
        ],
        &["fmt"],
    );
    let f = r.finding("method:fmt");
    assert_eq!(access(&r, "method:fmt"), ["public"]);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert!(
        f.callers_found.contains(&"web/src/page.ts:2".to_string()),
        "{:?}",
        f.callers_found
    );
}

#[test]
fn export_star_reexports_reach_the_definition() {
    let r = run(
        &[
            (
                "src/lib/helpers.ts",
                "export function helper() { return 1 }\nfunction hidden() { return 2 }\n",
            ),
            ("src/lib/index.ts", "export * from './helpers';\n"),
            ("src/page.ts", "import { helper } from './lib';\nhelper();\n"),
        ],
        &["helper"],
    );
    let f = r.finding("method:helper");
    assert_eq!(access(&r, "method:helper"), ["public"]);
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert!(
        f.callers_found.contains(&"web/src/page.ts:2".to_string()),
        "{:?}",
        f.callers_found
    );
    // The barrel is followed to the definition (issue 13): an import match.
    let m = f
        .caller_matches
        .iter()
        .find(|m| m.location == "web/src/page.ts:2")
        .unwrap();
    assert_eq!(m.strength, "import");
}

#[test]
fn a_reexport_is_not_a_caller_but_its_importers_are() {
    let r = run(
        &[
            (
                "src/lib/a.ts",
                "export function onlyPassedOn() { return 1 }\nexport function usedViaBarrel() { return 2 }\n",
            ),
            (
                "src/lib/index.ts",
                "export { onlyPassedOn, usedViaBarrel } from './a';\n",
            ),
            (
                "src/page.ts",
                "import { usedViaBarrel } from './lib';\nusedViaBarrel();\n",
            ),
        ],
        &["onlyPassedOn", "usedViaBarrel"],
    );
    let f = r.finding("method:onlyPassedOn");
    assert_eq!(
        f.codes(),
        ["no-callers"],
        "the re-export in index.ts is not a call"
    );
    let f = r.finding("method:usedViaBarrel");
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.callers_found, ["web/src/page.ts:2"]);
}

/// `export const parse = flow(a, b)`: a const computed by a call may hold a
/// function. When nothing else defines the name it is the definition, with
/// low confidence (not a high `missing-definition` while callers exist);
/// a real definition elsewhere wins, and a local const inside a function
/// is no definition at all.
#[test]
fn an_exported_const_computed_by_a_call_stands_in_with_low_confidence() {
    let r = run(
        &[
            (
                "lib/parse.ts",
                "import { flow } from 'fp-ts/function';\nexport const parseEntries = flow(split, trim);\nexport const render = flow(a, b);\n",
            ),
            (
                "lib/render.ts",
                "export function render(x: string) { return x }\n",
            ),
            (
                "lib/local.ts",
                "export function outer() {\n  const hidden = makeIt();\n  return hidden;\n}\n",
            ),
            (
                "app/use.ts",
                "import { parseEntries } from '../lib/parse';\nimport { render } from '../lib/render';\nimport { outer } from '../lib/local';\nparseEntries('a=b');\nrender('x');\nouter();\n",
            ),
        ],
        &["parseEntries", "render", "hidden"],
    );
    let f = r.finding("method:parseEntries");
    assert_eq!(f.exists, Some(true));
    assert_eq!(
        f.definitions
            .iter()
            .map(|d| d.location.as_str())
            .collect::<Vec<_>>(),
        ["web/lib/parse.ts:2"]
    );
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    assert_eq!(f.confidence, "low");
    assert!(f.notes.contains("computed by a call"), "{}", f.notes);
    // A function declaration elsewhere is the definition; the computed
    // const of the same name does not make it ambiguous.
    let f = r.finding("method:render");
    assert_eq!(
        f.definitions
            .iter()
            .map(|d| d.location.as_str())
            .collect::<Vec<_>>(),
        ["web/lib/render.ts:1"]
    );
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    // A const inside a function is not addressable from outside.
    assert_eq!(r.finding("method:hidden").exists, Some(false));
}
