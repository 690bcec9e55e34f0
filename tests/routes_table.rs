//! The static routes interpreter against Rails' own route builder: for each
//! routes file of the fixtures, `tests/data/routes/WORKSPACE-REPO.tsv` holds
//! what `../shared/rails-routes` (ActionDispatch 6.1) printed for it, and
//! the interpreter must produce exactly those lines, in the same order.

use seamscan::facts::RouteCall;
use std::path::Path;

fn table_of(routes_rb: &Path) -> Vec<String> {
    let src = std::fs::read(routes_rb).unwrap();
    let main = seamscan::lang::routes::extract(&src);
    assert!(!main.parse_error, "{}", routes_rb.display());
    let dir = routes_rb.parent().unwrap().join("routes");
    let mut drawn: Vec<(String, Vec<RouteCall>)> = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            let p = e.path();
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            drawn.push((
                name,
                seamscan::lang::routes::extract(&std::fs::read(&p).unwrap()).calls,
            ));
        }
    }
    let load = |name: &str| {
        drawn
            .iter()
            .position(|(n, _)| n == name)
            .map(|i| (i as u32 + 1, drawn[i].1.as_slice()))
    };
    let t = seamscan::routing::table(0, &main.calls, &load);
    assert!(t.unread.is_empty(), "unread: {:?}", t.unread);
    t.routes.iter().map(|r| r.table_line()).collect()
}

#[test]
fn every_fixture_routes_file_matches_rails_own_table() {
    let mut checked = 0;
    for ws in std::fs::read_dir("fixtures").unwrap().flatten() {
        for repo in std::fs::read_dir(ws.path()).unwrap().flatten() {
            let routes = repo.path().join("config/routes.rb");
            if !routes.is_file() {
                continue;
            }
            let data = format!(
                "tests/data/routes/{}-{}.tsv",
                ws.file_name().to_string_lossy(),
                repo.file_name().to_string_lossy()
            );
            let want = std::fs::read_to_string(&data)
                .unwrap_or_else(|_| panic!("{data}: commit the table ../shared/rails-routes prints"));
            let want: Vec<&str> = want.lines().collect();
            let got = table_of(&routes);
            assert_eq!(got, want, "{}", routes.display());
            checked += 1;
        }
    }
    assert!(checked >= 2);
}

#[test]
fn route_lines_point_at_the_dsl_call_and_drawn_files() {
    let src = std::fs::read("fixtures/http-boundary/shop/config/routes.rb").unwrap();
    let ops = std::fs::read("fixtures/http-boundary/shop/config/routes/ops.rb").unwrap();
    let main = seamscan::lang::routes::extract(&src);
    let ops = seamscan::lang::routes::extract(&ops);
    let load = |name: &str| (name == "ops").then_some((7, ops.calls.as_slice()));
    let t = seamscan::routing::table(3, &main.calls, &load);
    let find = |path: &str, verb: &str| {
        t.routes
            .iter()
            .find(|r| r.path == path && r.verb == verb)
            .map(|r| (r.file, r.line))
            .unwrap()
    };
    assert_eq!(find("/proposals/:id/transition_to_review", "POST"), (3, 10));
    assert_eq!(find("/proposals", "GET"), (3, 8));
    assert_eq!(find("/proposals/:proposal_id/comments", "GET"), (3, 5));
    assert_eq!(find("/ops/jobs", "GET"), (7, 2));
    assert_eq!(find("/ping", "GET"), (7, 4));
}
