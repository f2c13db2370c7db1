/// The console's Mustache templates, kept in the binary so that a copied `berth` needs no resource folder. `{{x}}`
/// escapes for HTML; the only `{{{x}}}` is a chart's SVG, which ``SVGChart`` escapes itself.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "header": header, "footer": footer, "login": login, "message": message, "overview": overview,
        "repositories": repositories, "repository": repository, "image": image, "revisions": revisions, "revision": revision,
        "audit": audit, "paging": paging,
    ]

    static let header = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{#frame}}{{title}}{{/frame}} · Berth</title>
        <link rel="stylesheet" href="/ui/style.css">
        </head>
        <body>
        {{#frame}}
        <nav>
        <a class="brand" href="/ui/">Berth</a>
        {{#identity}}
        <a href="/ui/repositories">Repositories</a>
        {{#isAdministrator}}<a href="/ui/revisions">Revisions</a> <a href="/ui/audit">Audit</a>{{/isAdministrator}}
        <form id="logout" method="post" action="/ui/logout"><span class="who">{{identity}}</span> <button id="logout-button" type="submit">Sign out</button></form>
        {{/identity}}
        </nav>
        <main>
        <h1>{{title}}</h1>
        {{/frame}}

        """

    static let footer = """
        </main>
        <footer>Berth · read-only: every change goes through git and a reviewed plan.</footer>
        </body>
        </html>

        """

    static let login = """
        {{> header}}
        <form id="login" method="post" action="/ui/login">
        <input type="hidden" name="next" value="{{next}}">
        {{#error}}<p class="error" id="login-error">{{error}}</p>{{/error}}
        <label>Name <input name="name" autocomplete="username" value="{{name}}" required></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button id="login-submit" type="submit">Sign in</button>
        </form>
        {{> footer}}
        """

    static let message = """
        {{> header}}
        <p id="message">{{message}}</p>
        {{> footer}}
        """

    static let overview = """
        {{> header}}
        <section id="counts" class="counts">
        <p><strong>{{repositories}}</strong> repositories</p>
        <p><strong>{{images}}</strong> images</p>
        <p><strong>{{quarantined}}</strong> quarantined</p>
        <p><strong>{{blockedByVulnerabilities}}</strong> blocked by vulnerabilities</p>
        </section>
        {{#reconciler}}
        <section id="reconciler">
        <h2>Reconciler</h2>
        <p>{{state}}</p>
        {{#revision}}<p>Last applied: revision {{revision}}{{#commit}}, commit <code class="commit">{{commit}}</code>{{/commit}}{{#author}} by {{author}}{{/author}}{{#appliedAt}}, {{appliedAt}}{{/appliedAt}}.</p>{{/revision}}
        {{#drift}}<p class="drift">Drift: {{.}}</p>{{/drift}}
        </section>
        {{/reconciler}}
        <section id="tiers">
        <h2>Tiers</h2>
        {{#tiers}}
        <section class="tier" data-tier="{{name}}">
        <h3>{{name}}</h3>
        {{#description}}<p class="description">{{description}}</p>{{/description}}
        <ul>{{#policy}}<li>{{.}}</li>{{/policy}}</ul>
        <p>{{repositories}} repositories, {{images}} images, {{storage}}</p>
        </section>
        {{/tiers}}
        {{^tiers}}<p>No tier is declared.</p>{{/tiers}}
        </section>
        <section id="charts">
        {{#charts}}<figure><figcaption>{{title}}</figcaption>{{{svg}}}</figure>{{/charts}}
        </section>
        {{> footer}}
        """

    static let repositories = """
        {{> header}}
        <form id="search" method="get" action="/ui/repositories">
        <label>Name contains <input name="q" value="{{query}}"></label> <button type="submit">Search</button>
        </form>
        <table id="repositories">
        <thead><tr><th>Repository</th><th>Tier</th><th>Tags</th><th>Size</th><th>Last push</th></tr></thead>
        <tbody>
        {{#rows}}<tr data-repository="{{name}}"><td><a href="{{link}}">{{name}}</a></td><td>{{tier}}</td><td>{{tags}}</td><td>{{size}}</td><td>{{lastPush}}</td></tr>
        {{/rows}}
        </tbody>
        </table>
        {{^rows}}<p>No repository matches.</p>{{/rows}}
        {{#paging}}{{> paging}}{{/paging}}
        {{> footer}}
        """

    static let repository = """
        {{> header}}
        <p>{{#tier}}Tier <strong>{{tier}}</strong> · {{/tier}}{{size}}</p>
        {{#description}}<p class="description">{{description}}</p>{{/description}}
        <table id="tags">
        <thead><tr><th>Tag</th><th>Digest</th><th>Size</th><th>Pushed</th><th>Last pulled</th><th>Verdict</th></tr></thead>
        <tbody>
        {{#tags}}<tr data-tag="{{tag}}"><td><a href="{{link}}">{{tag}}</a></td><td><code title="{{digest}}">{{shortDigest}}</code></td><td>{{size}}</td><td>{{pushed}}</td><td>{{pulled}}</td><td class="verdict {{verdict}}">{{verdict}}</td></tr>
        {{/tags}}
        </tbody>
        </table>
        {{^tags}}<p>No tag.</p>{{/tags}}
        {{#paging}}{{> paging}}{{/paging}}
        {{> footer}}
        """

    static let paging = """
        <p class="paging">{{#previous}}<a rel="prev" href="{{previous}}">Previous</a> {{/previous}}{{summary}}{{#next}} <a rel="next" href="{{next}}">Next</a>{{/next}}</p>
        """

    static let image = """
        {{> header}}
        <p><a href="{{repositoryLink}}">{{repository}}</a>{{#tags}} <span class="tag">{{.}}</span>{{/tags}}</p>
        <p><code>{{digest}}</code> · {{mediaType}} · {{size}}{{#tier}} · tier <strong>{{tier}}</strong>{{/tier}}</p>
        <section id="verdict" class="verdict {{status}}" data-status="{{status}}">
        <h2>{{statusText}}</h2>
        <ul id="verdict-reasons">{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul>
        </section>
        <section>
        <h2>Signatures</h2>
        <table id="signatures">
        <thead><tr><th>Signer</th><th>Form</th><th>Valid</th><th>Why</th></tr></thead>
        <tbody>{{#signatures}}<tr><td>{{signer}}</td><td>{{form}}</td><td>{{#valid}}valid{{/valid}}{{^valid}}not valid{{/valid}}</td><td>{{reason}}</td></tr>
        {{/signatures}}</tbody>
        </table>
        {{^signatures}}<p>{{#signaturesChecked}}No signature was found.{{/signaturesChecked}}{{^signaturesChecked}}The tier requires no signature.{{/signaturesChecked}}</p>{{/signatures}}
        </section>
        <section>
        <h2>Vulnerabilities</h2>
        {{#vulnerabilityStatus}}<p>{{vulnerabilityStatus}}</p>{{/vulnerabilityStatus}}
        <p class="sorts">Sort by {{#sorts}}<a href="{{link}}"{{#current}} aria-current="true"{{/current}}>{{label}}</a> {{/sorts}}</p>
        <table id="vulnerabilities">
        <thead><tr><th>ID</th><th>Severity</th><th>Package</th><th>Installed</th><th>Fixed in</th><th>Status</th></tr></thead>
        <tbody>{{#vulnerabilities}}<tr data-id="{{id}}"{{#exception}} class="suppressed"{{/exception}}><td>{{id}}{{#summary}}<br><small>{{summary}}</small>{{/summary}}</td><td class="severity {{severity}}">{{severity}}</td><td>{{package}}</td><td>{{installed}}</td><td>{{fixed}}</td><td class="exception">{{#exception}}{{exception}}{{/exception}}{{^exception}}{{#blocking}}blocks{{/blocking}}{{/exception}}</td></tr>
        {{/vulnerabilities}}</tbody>
        </table>
        </section>
        <section>
        <h2>Secrets</h2>
        {{#secretStatus}}<p>{{secretStatus}}</p>{{/secretStatus}}
        <table id="secrets">
        <thead><tr><th>Rule</th><th>Path</th><th>Line</th><th>Layer</th><th>Context (secret redacted)</th><th>Exception</th></tr></thead>
        <tbody>{{#secrets}}<tr><td>{{rule}}</td><td>{{path}}</td><td>{{line}}</td><td>{{layer}}</td><td><code>{{preview}}</code></td><td>{{exception}}</td></tr>
        {{/secrets}}</tbody>
        </table>
        </section>
        <section>
        <h2>Layers</h2>
        <table id="layers">
        <thead><tr><th>Digest</th><th>Media type</th><th>Size</th><th>Scan</th></tr></thead>
        <tbody>{{#layers}}<tr><td><code>{{digest}}</code></td><td>{{mediaType}}</td><td>{{size}}</td><td>{{scan}}</td></tr>
        {{/layers}}</tbody>
        </table>
        </section>
        <section>
        <h2>Annotations</h2>
        <dl id="annotations">{{#annotations}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/annotations}}</dl>
        {{^annotations}}<p>None.</p>{{/annotations}}
        </section>
        <section>
        <h2>Retention</h2>
        <p id="retention">{{retention}}</p>
        {{#sbomLink}}<p><a id="sbom" href="{{sbomLink}}" download>Download the SBOM (CycloneDX JSON)</a></p>{{/sbomLink}}
        </section>
        {{> footer}}
        """

    static let revisions = """
        {{> header}}
        <table id="revisions">
        <thead><tr><th>Revision</th><th>Applied</th><th>By</th><th>Commit</th><th>Author</th><th>Changes</th></tr></thead>
        <tbody>{{#revisions}}<tr data-revision="{{number}}"><td><a href="{{link}}">{{number}}</a></td><td>{{appliedAt}}</td><td>{{actor}}</td><td class="commit"><code>{{commit}}</code></td><td>{{author}}</td><td>{{summary}}</td></tr>
        {{/revisions}}</tbody>
        </table>
        {{^revisions}}<p>Nothing was applied yet.</p>{{/revisions}}
        <h2>Drift</h2>
        <table id="drift">
        <thead><tr><th>Time</th><th>Event</th><th>Objects</th><th></th></tr></thead>
        <tbody>{{#drift}}<tr><td>{{time}}</td><td>{{action}}</td><td>{{objects}}</td><td>{{detail}}</td></tr>
        {{/drift}}</tbody>
        </table>
        {{^drift}}<p>No drift was recorded.</p>{{/drift}}
        {{> footer}}
        """

    static let revision = """
        {{> header}}
        {{#revision}}
        <p>Applied {{appliedAt}} by {{actor}}{{#commit}}, commit <code class="commit">{{commit}}</code>{{/commit}}{{#author}} by {{author}}{{/author}}: {{summary}}.</p>
        {{/revision}}
        {{#plan}}<pre id="plan">{{plan}}</pre>{{/plan}}
        {{^plan}}<p>This revision was applied before plans were kept with revisions.</p>{{/plan}}
        {{> footer}}
        """

    static let audit = """
        {{> header}}
        <p id="chain" class="{{#chainIntact}}intact{{/chainIntact}}{{^chainIntact}}broken{{/chainIntact}}">{{chain}}</p>
        {{#filter}}
        <form id="audit-filter" method="get" action="/ui/audit">
        <label>Repository <input name="repository" value="{{repository}}"></label>
        <label>Actor <input name="actor" value="{{actor}}"></label>
        <label>Action <input name="action" value="{{action}}" list="actions"></label>
        <label>From <input name="from" value="{{from}}" placeholder="2026-12-01T00:00:00Z"></label>
        <label>Until <input name="until" value="{{until}}"></label>
        <button type="submit">Filter</button>
        </form>
        {{/filter}}
        <datalist id="actions">{{#actions}}<option value="{{.}}">{{/actions}}</datalist>
        {{#error}}<p class="error">{{error}}</p>{{/error}}
        <table id="audit">
        <thead><tr><th>#</th><th>Time</th><th>Actor</th><th>Action</th><th>Outcome</th><th>Repository</th><th>Object</th><th>Details</th></tr></thead>
        <tbody>{{#records}}<tr data-sequence="{{sequence}}" data-repository="{{repository}}"><td>{{sequence}}</td><td>{{time}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{outcome}}</td><td>{{repository}}</td><td>{{object}}</td><td><small>{{details}}</small></td></tr>
        {{/records}}</tbody>
        </table>
        {{^records}}<p>No record matches.</p>{{/records}}
        {{#paging}}{{> paging}}{{/paging}}
        {{> footer}}
        """
}
