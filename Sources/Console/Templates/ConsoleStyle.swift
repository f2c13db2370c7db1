/// The one stylesheet (`/ui/style.css`): served from its own address, since the Content-Security-Policy allows no
/// inline style. Narrow screens get one column and tables that scroll sideways.
enum ConsoleStyle {
    static let css = """
        :root { --ink: #1c2430; --muted: #5b6675; --line: #d9dee5; --accent: #1f5fa8; --bad: #b3261e; --good: #1e7b34; --warn: #9a5b00; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: #f7f8fa; overflow-wrap: anywhere; }
        nav { display: flex; flex-wrap: wrap; gap: .8em; align-items: center; padding: .6em 1em; background: #fff; border-bottom: 1px solid var(--line); }
        nav .brand { font-weight: 700; }
        nav form { margin-left: auto; }
        a { color: var(--accent); }
        main { padding: 1em; max-width: 1200px; margin: 0 auto; }
        footer { color: var(--muted); font-size: 13px; padding: 1em; text-align: center; }
        h1 { font-size: 1.5em; word-break: break-all; }
        table { border-collapse: collapse; width: 100%; background: #fff; display: block; overflow-x: auto; }
        th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
        code { font-size: 13px; word-break: break-all; }
        .counts { display: flex; flex-wrap: wrap; gap: 1em; }
        .counts p { background: #fff; border: 1px solid var(--line); padding: .6em 1em; margin: 0; }
        section.tier { background: #fff; border: 1px solid var(--line); padding: .2em 1em; margin: .6em 0; }
        .verdict.released { color: var(--good); }
        .verdict.quarantined { color: var(--bad); }
        .verdict.exempt, .verdict.none { color: var(--muted); }
        section.verdict { background: #fff; border: 1px solid var(--line); border-left: 6px solid currentColor; padding: .2em 1em; }
        section.verdict ul { color: var(--ink); }
        tr.suppressed { color: var(--muted); }
        tr.suppressed td.exception { color: var(--warn); }
        .severity.critical, .severity.high { color: var(--bad); font-weight: 600; }
        .error, #chain.broken { color: var(--bad); }
        #chain.intact { color: var(--good); }
        form label { display: inline-block; margin: .2em .6em .2em 0; }
        #login label { display: block; margin: .6em 0; }
        #charts { display: flex; flex-wrap: wrap; gap: 1em; }
        #charts figure { background: #fff; border: 1px solid var(--line); margin: 0; padding: .6em; flex: 1 1 360px; }
        #charts svg { width: 100%; height: auto; }
        pre { background: #fff; border: 1px solid var(--line); padding: 1em; overflow-x: auto; }
        @media (max-width: 600px) { main { padding: .5em; } th, td { padding: .3em; } }

        """
}
