//! `seamscan mcp` over raw JSON-RPC on stdio (issue 18), so `cargo test`
//! covers the server without the Python client `.ci/run` uses: handshake,
//! tools/list with input and output schemas, an audit equal to the CLI's
//! report, explain with source lines, tool errors naming the file, and the
//! session still serving afterwards.

mod common;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

struct Session {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: u64,
}

impl Session {
    fn start() -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seamscan"))
            .arg("mcp")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Session {
            child,
            stdin,
            stdout,
            next: 1,
        }
    }

    fn send(&mut self, msg: Value) {
        writeln!(self.stdin, "{msg}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Send a request and read lines until its response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server closed stdout"
            );
            let v: Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON-RPC: {line:?}: {e}"));
            if v["id"] == id {
                return v;
            }
        }
    }

    fn call(&mut self, tool: &str, args: Value) -> Value {
        let r = self.request("tools/call", json!({"name": tool, "arguments": args}));
        assert!(r["error"].is_null(), "{r}");
        r["result"].clone()
    }
}

fn text(result: &Value) -> String {
    result["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_session() {
    let mut s = Session::start();
    let init = s.request(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}),
    );
    assert_eq!(init["result"]["serverInfo"]["name"], "seamscan", "{init}");
    s.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));

    let tools = s.request("tools/list", json!({}));
    let tools = tools["result"]["tools"].as_array().unwrap().clone();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["audit", "explain", "plan_from_diff"]);
    for t in &tools {
        assert_eq!(t["inputSchema"]["type"], "object", "{t}");
        assert_eq!(t["outputSchema"]["type"], "object", "{t}");
    }
    // The audit tool's output schema is the report's schema.
    let audit_tool = tools.iter().find(|t| t["name"] == "audit").unwrap();
    let validator = jsonschema::validator_for(&audit_tool["outputSchema"]).unwrap();

    let plan = "plans/render-pipeline.yaml";
    let ws = "fixtures/render-pipeline";
    let r = s.call("audit", json!({"plan": plan, "workspace": ws}));
    assert_ne!(r["isError"], true, "{r}");
    let mut got = r["structuredContent"].clone();
    assert!(validator.is_valid(&got));
    let out = common::seamscan()
        .args(["audit", "--plan", plan, ws, "--quiet"])
        .output()
        .unwrap();
    let mut want: Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in ["elapsed_ms", "cache_hits", "cache_misses"] {
        got["stats"][field] = 0.into();
        want["stats"][field] = 0.into();
    }
    assert_eq!(got, want);

    let id = want["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| !f["definitions"].as_array().unwrap().is_empty())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = s.call("explain", json!({"plan": plan, "workspace": ws, "id": id}));
    let ex = &r["structuredContent"];
    assert_eq!(ex["id"], id.as_str());
    let loc = &ex["locations"][0];
    let (path, line) = loc["location"].as_str().unwrap().rsplit_once(':').unwrap();
    let line: u64 = line.parse().unwrap();
    let file = std::fs::read_to_string(format!("{ws}/{path}")).unwrap();
    let shown = loc["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line"] == line)
        .unwrap();
    assert_eq!(shown["text"], file.lines().nth(line as usize - 1).unwrap());

    for (tool, args, expect) in [
        (
            "audit",
            json!({"plan": "plans/nope.yaml", "workspace": ws}),
            "plans/nope.yaml: cannot read plan",
        ),
        (
            "audit",
            json!({"plan_yaml": "version: 1\nphases:\n  - name: P\n    points:\n      - methd: x\n", "workspace": ws}),
            "<plan_yaml>:5:",
        ),
        (
            "audit",
            json!({"plan": plan, "workspace": "fixtures/nope"}),
            "fixtures/nope: cannot read workspace",
        ),
        ("audit", json!({"workspace": ws}), "give `plan`"),
        (
            "explain",
            json!({"plan": plan, "workspace": ws, "id": "method:Nope#x"}),
            "no finding `method:Nope#x`",
        ),
        (
            "plan_from_diff",
            json!({"range": "main", "workspace": ws}),
            "is not a range",
        ),
    ] {
        let r = s.call(tool, args);
        assert_eq!(r["isError"], true, "{tool}: {r}");
        assert!(text(&r).contains(expect), "{tool}: {}", text(&r));
    }
    // Still serving.
    let r = s.call("audit", json!({"plan": plan, "workspace": ws}));
    assert_eq!(r["structuredContent"]["findings"], want["findings"]);
    drop(s.stdin);
    assert!(s.child.wait().unwrap().success());
}
