//! Print the route table seamscan reads from a Rails routes file, in the
//! format of `../shared/rails-routes` (VERB, path, target, name; tab
//! separated), then what it could not read, on stderr.
//!
//!     cargo run --example rails_routes -- path/to/config/routes.rb

use seamscan::facts::RouteCall;
use std::path::{Path, PathBuf};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: rails_routes CONFIG/routes.rb");
        std::process::exit(2);
    };
    let path = PathBuf::from(path);
    let src = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("rails_routes: {}: {e}", path.display());
        std::process::exit(2);
    });
    // Every file of config/routes/ (for `draw`), read up front.
    let dir = path.parent().unwrap_or(Path::new(".")).join("routes");
    let mut drawn: Vec<(String, Vec<RouteCall>)> = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rb") {
                let rel = p.strip_prefix(&dir).unwrap().with_extension("");
                let bytes = std::fs::read(&p).unwrap_or_default();
                drawn.push((
                    rel.to_string_lossy().into_owned(),
                    seamscan::lang::routes::extract(&bytes).calls,
                ));
            }
        }
    }
    let main = seamscan::lang::routes::extract(&src);
    let load = |name: &str| {
        drawn
            .iter()
            .position(|(n, _)| n == name)
            .map(|i| (i as u32 + 1, drawn[i].1.as_slice()))
    };
    let table = seamscan::routing::table(0, &main.calls, &load);
    for r in &table.routes {
        println!("{}", r.table_line());
    }
    for (file, line, what) in &table.unread {
        let f = if *file == 0 {
            path.display().to_string()
        } else {
            format!("config/routes/{}.rb", drawn[*file as usize - 1].0)
        };
        eprintln!("unread: {f}:{line}: {what}");
    }
    eprintln!("{} routes", table.routes.len());
}
