"""Drive `seamscan mcp` with the official MCP Python SDK (issue 18).

One session: handshake, tools/list, an `audit` whose structured content
equals the CLI's JSON report, an `explain`, a bad plan (a tool error naming
the file), then another call on the same session. The client validates each
structured result against the tool's outputSchema.

Usage: python mcp_session.py SEAMSCAN_BINARY   (run from the repo root)
"""

import asyncio
import json
import os
import subprocess
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

PLAN = "plans/render-pipeline.yaml"
WS = "fixtures/render-pipeline"


def fail(msg):
    print(f"mcp-session: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def without_elapsed(report):
    """The report without what differs from run to run: the wall time and
    how many facts came from the cache (the MCP audit runs after or before
    the CLI's and shares its cache)."""
    report = json.loads(json.dumps(report))
    for k in ("elapsed_ms", "cache_hits", "cache_misses"):
        report["stats"].pop(k, None)
    return report


async def session(binary):
    params = StdioServerParameters(command=binary, args=["mcp"], cwd=os.getcwd())
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            init = await s.initialize()
            check(init.server_info.name == "seamscan", f"server name {init.server_info.name!r}")
            check(init.capabilities.tools is not None, "no tools capability")

            tools = {t.name: t for t in (await s.list_tools()).tools}
            check(sorted(tools) == ["audit", "explain", "plan_from_diff"], f"tools {sorted(tools)}")
            for t in tools.values():
                check(t.input_schema.get("type") == "object", f"{t.name}: input schema {t.input_schema}")
                check(t.output_schema and t.output_schema.get("type") == "object",
                      f"{t.name}: output schema {t.output_schema}")
                check(t.description, f"{t.name}: no description")
            check("plan_yaml" in tools["audit"].input_schema["properties"], "audit takes plan_yaml")
            check("id" in tools["explain"].input_schema.get("required", []), "explain requires id")

            # audit == the CLI's JSON report (but for the wall time).
            r = await s.call_tool("audit", {"plan": PLAN, "workspace": WS})
            check(not r.is_error, f"audit failed: {r.content}")
            cli = subprocess.run([binary, "audit", "--plan", PLAN, WS, "--quiet"],
                                 capture_output=True, check=False)
            check(cli.returncode == 1, f"CLI exit {cli.returncode}")
            expected = json.loads(cli.stdout)
            check(without_elapsed(r.structured_content) == without_elapsed(expected),
                  "MCP audit differs from the CLI's JSON report")
            n = len(expected["findings"])

            # inline plan_yaml
            with open(PLAN, encoding="utf-8") as f:
                text = f.read()
            r = await s.call_tool("audit", {"plan_yaml": text, "workspace": WS})
            check(not r.is_error, f"inline audit failed: {r.content}")
            check(len(r.structured_content["findings"]) == n, "inline plan: other findings")

            # explain a finding with evidence: its source lines come back.
            fid = next(f["id"] for f in expected["findings"] if f["definitions"])
            r = await s.call_tool("explain", {"plan": PLAN, "workspace": WS, "id": fid})
            check(not r.is_error, f"explain failed: {r.content}")
            ex = r.structured_content
            check(ex["id"] == fid, f"explained {ex['id']}")
            loc = ex["locations"][0]
            line = int(loc["location"].rsplit(":", 1)[1])
            check(any(l["line"] == line for l in loc["lines"]), f"no line {line} in {loc}")
            check(all("error" not in l for l in ex["locations"]), f"unreadable: {ex['locations']}")

            # bad input: tool errors naming the file; the session goes on.
            r = await s.call_tool("audit", {"plan_yaml": "version: 1\nphases:\n  - name: P\n    points:\n      - methd: x\n", "workspace": WS})
            check(r.is_error, "a bad inline plan is not an error")
            msg = " ".join(c.text for c in r.content if hasattr(c, "text"))
            check("<plan_yaml>:5:" in msg, f"bad plan message: {msg}")
            r = await s.call_tool("audit", {"plan": "plans/no-such-plan.yaml", "workspace": WS})
            check(r.is_error, "a missing plan file is not an error")
            msg = " ".join(c.text for c in r.content if hasattr(c, "text"))
            check("plans/no-such-plan.yaml" in msg, f"missing plan message: {msg}")
            r = await s.call_tool("explain", {"plan": PLAN, "workspace": WS, "id": "method:Nope#nope"})
            check(r.is_error, "an unknown id is not an error")
            r = await s.call_tool("plan_from_diff", {"range": "HEAD~1..HEAD", "workspace": WS})
            check(r.is_error or r.structured_content is not None, "plan_from_diff answered nothing")

            # and the server still serves.
            r = await s.call_tool("audit", {"plan": PLAN, "workspace": WS})
            check(not r.is_error and len(r.structured_content["findings"]) == n,
                  "no audit after the errors")
    print(f"mcp-session: ok: one session, {n} findings, audit equals the CLI report")


if __name__ == "__main__":
    asyncio.run(session(os.path.abspath(sys.argv[1])))
