//! Methods that frameworks call by convention: lifecycle hooks, guard and
//! pipe interfaces, job entry points. Nothing in the scanned code calls
//! them, so a `no-callers` verdict on one has low confidence.
//!
//! The table is data: (language family, method name, who calls it). A
//! method that overrides a superclass method outside the workspace needs
//! ancestors and is not covered here.

/// Ruby methods called by Rails, ActiveJob, Sidekiq, Devise, Pundit,
/// ActionCable or Ruby itself.
const RUBY: &[(&str, &str)] = &[
    ("perform", "ActiveJob / Sidekiq (the job entry point)"),
    ("serialize", "an ActiveJob serializer"),
    ("deserialize", "an ActiveJob serializer"),
    ("serialize?", "an ActiveJob serializer"),
    ("initialize", "Ruby (`new`)"),
    ("method_missing", "Ruby"),
    ("included", "Ruby (`include`)"),
    ("extended", "Ruby (`extend`)"),
    ("prepended", "Ruby (`prepend`)"),
    ("inherited", "Ruby (subclassing)"),
    ("const_missing", "Ruby"),
    ("to_key", "Rails forms (ActiveModel)"),
    ("to_model", "Rails forms (ActiveModel)"),
    ("respond_to_missing?", "Ruby"),
    ("to_s", "Ruby (string interpolation)"),
    ("to_str", "Ruby (implicit conversion)"),
    ("to_ary", "Ruby (implicit conversion, destructuring)"),
    ("to_proc", "Ruby (`&object`)"),
    ("coerce", "Ruby (numeric operators)"),
    ("eql?", "Ruby (`Hash` keys, `uniq`)"),
    ("hash", "Ruby (`Hash` keys, `uniq`)"),
    ("each", "Ruby (`Enumerable`, `for`)"),
    ("inspect", "Ruby"),
    ("to_param", "Rails URL helpers"),
    ("to_partial_path", "Rails `render`"),
    ("as_json", "Rails JSON rendering"),
    ("serializable_hash", "Rails JSON rendering"),
    ("validate", "ActiveModel validators"),
    ("validate_each", "ActiveModel::EachValidator"),
    ("devise_mailer", "Devise"),
    ("send_devise_notification", "Devise"),
    ("active_for_authentication?", "Devise"),
    ("inactive_message", "Devise"),
    ("after_database_authentication", "Devise"),
    ("valid_for_authentication?", "Devise"),
    ("password_required?", "Devise"),
    ("email_required?", "Devise"),
    ("confirmation_required?", "Devise"),
    ("after_confirmation", "Devise"),
    ("timeout_in", "Devise"),
    ("resolve", "Pundit (policy scopes)"),
    ("index?", "Pundit `authorize`"),
    ("show?", "Pundit `authorize`"),
    ("create?", "Pundit `authorize`"),
    ("new?", "Pundit `authorize`"),
    ("update?", "Pundit `authorize`"),
    ("edit?", "Pundit `authorize`"),
    ("destroy?", "Pundit `authorize`"),
    ("subscribed", "ActionCable"),
    ("unsubscribed", "ActionCable"),
    ("receive", "ActionCable"),
    ("connect", "ActionCable"),
    ("disconnect", "ActionCable"),
];

/// TypeScript/JavaScript methods called by React, NestJS, Angular, Vue,
/// TypeORM, the DOM or the language.
const SCRIPT: &[(&str, &str)] = &[
    ("render", "React (class components)"),
    ("componentDidMount", "React"),
    ("componentDidUpdate", "React"),
    ("componentWillUnmount", "React"),
    ("shouldComponentUpdate", "React"),
    ("getDerivedStateFromProps", "React"),
    ("getDerivedStateFromError", "React"),
    ("getSnapshotBeforeUpdate", "React"),
    ("componentDidCatch", "React"),
    ("UNSAFE_componentWillMount", "React"),
    ("UNSAFE_componentWillReceiveProps", "React"),
    ("UNSAFE_componentWillUpdate", "React"),
    ("canActivate", "NestJS (guards)"),
    ("getTracker", "NestJS (ThrottlerGuard)"),
    ("shouldSkip", "NestJS (ThrottlerGuard)"),
    ("throwThrottlingException", "NestJS (ThrottlerGuard)"),
    ("handleRequest", "NestJS (AuthGuard)"),
    ("getRequest", "NestJS (AuthGuard)"),
    ("intercept", "NestJS (interceptors)"),
    ("transform", "NestJS (pipes)"),
    ("catch", "NestJS (exception filters)"),
    ("use", "NestJS / Express (middleware)"),
    ("validate", "NestJS Passport strategies"),
    ("onModuleInit", "NestJS"),
    ("onModuleDestroy", "NestJS"),
    ("onApplicationBootstrap", "NestJS"),
    ("beforeApplicationShutdown", "NestJS"),
    ("onApplicationShutdown", "NestJS"),
    ("handleConnection", "NestJS (gateways)"),
    ("handleDisconnect", "NestJS (gateways)"),
    ("afterInit", "NestJS (gateways)"),
    ("process", "BullMQ (WorkerHost)"),
    ("ngOnInit", "Angular"),
    ("ngOnChanges", "Angular"),
    ("ngDoCheck", "Angular"),
    ("ngAfterContentInit", "Angular"),
    ("ngAfterContentChecked", "Angular"),
    ("ngAfterViewInit", "Angular"),
    ("ngAfterViewChecked", "Angular"),
    ("ngOnDestroy", "Angular"),
    ("writeValue", "Angular (ControlValueAccessor)"),
    ("registerOnChange", "Angular (ControlValueAccessor)"),
    ("registerOnTouched", "Angular (ControlValueAccessor)"),
    ("setDisabledState", "Angular (ControlValueAccessor)"),
    ("beforeCreate", "Vue"),
    ("created", "Vue"),
    ("beforeMount", "Vue"),
    ("mounted", "Vue"),
    ("beforeUpdate", "Vue / TypeORM"),
    ("updated", "Vue"),
    ("beforeUnmount", "Vue"),
    ("unmounted", "Vue"),
    ("activated", "Vue"),
    ("deactivated", "Vue"),
    ("errorCaptured", "Vue"),
    ("connectedCallback", "the DOM (custom elements)"),
    ("disconnectedCallback", "the DOM (custom elements)"),
    ("attributeChangedCallback", "the DOM (custom elements)"),
    ("adoptedCallback", "the DOM (custom elements)"),
    ("afterLoad", "TypeORM (subscribers)"),
    ("beforeInsert", "TypeORM (subscribers)"),
    ("afterInsert", "TypeORM (subscribers)"),
    ("afterUpdate", "TypeORM (subscribers)"),
    ("beforeRemove", "TypeORM (subscribers)"),
    ("afterRemove", "TypeORM (subscribers)"),
    ("toJSON", "`JSON.stringify`"),
    ("toString", "string conversion"),
];

/// Functions a framework calls because of the file that exports them:
/// (file stem, exported names, who calls them). Next.js calls a root
/// `middleware.ts` / `proxy.ts` (its 16th version's name), a root
/// `instrumentation.ts`, an app-router `route.ts`'s HTTP-verb handlers
/// and the data functions of pages and layouts.
const SCRIPT_FILES: &[(&[&str], &[&str], &str)] = &[
    (
        &["middleware", "proxy"],
        &["middleware", "proxy"],
        "Next.js (middleware)",
    ),
    (
        &["instrumentation"],
        &["register", "onRequestError"],
        "Next.js (instrumentation)",
    ),
    (
        &["route"],
        &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        "Next.js (route handlers)",
    ),
    (
        &["page", "layout", "default", "template"],
        &["generateMetadata", "generateStaticParams", "generateViewport"],
        "Next.js (app router)",
    ),
];

/// Data functions of a Next.js pages-router page, whatever its file name.
const NEXT_PAGE_DATA: [&str; 3] = ["getServerSideProps", "getStaticProps", "getStaticPaths"];

/// Who calls the TypeScript/JavaScript function `name` defined in the file
/// at `path` by the file's convention (see `SCRIPT_FILES`).
pub fn file_convention(name: &str, path: &str) -> Option<&'static str> {
    if NEXT_PAGE_DATA.contains(&name) && (path.starts_with("pages/") || path.contains("/pages/")) {
        return Some("Next.js (pages router)");
    }
    let file = path.rsplit('/').next().unwrap_or(path);
    let (stem, ext) = file.rsplit_once('.')?;
    if !matches!(ext, "ts" | "tsx" | "js" | "jsx" | "mjs" | "mts") {
        return None;
    }
    SCRIPT_FILES
        .iter()
        .find(|(stems, names, _)| stems.contains(&stem) && names.contains(&name))
        .map(|(_, _, who)| *who)
}

/// Who calls the default export of the TypeScript/JavaScript file at
/// `path` by convention: Next.js renders a pages-router page (any module
/// under a `pages/` directory; `pages/api/` handlers too) and an app
/// router's `page`, `layout`, `template`, `default`, `loading`, `error`,
/// `not-found` and `global-error` files.
pub fn default_export_convention(path: &str) -> Option<&'static str> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let (stem, ext) = file.rsplit_once('.')?;
    if !matches!(ext, "ts" | "tsx" | "js" | "jsx" | "mjs" | "mts") {
        return None;
    }
    if path.starts_with("pages/") || path.contains("/pages/") {
        return Some("Next.js (pages router)");
    }
    let app_dir = path.starts_with("app/") || path.contains("/app/");
    (app_dir
        && matches!(
            stem,
            "page" | "layout" | "template" | "default" | "loading" | "error" | "not-found" | "global-error"
        ))
    .then_some("Next.js (app router)")
}

/// Who calls `name` by convention, for a method defined in Ruby (`ruby`)
/// or in TypeScript/JavaScript.
pub fn caller_of(name: &str, ruby: bool) -> Option<&'static str> {
    let table = if ruby { RUBY } else { SCRIPT };
    table.iter().find(|(n, _)| *n == name).map(|(_, who)| *who).or_else(|| {
        (ruby && is_operator(name)).then_some(
            "Ruby (its operator syntax, and the core library: `sort`, `max` and `Comparable` call `<=>`, `Hash` and `include?` call `==`)",
        )
    })
}

/// A Ruby operator method (`<=>`, `==`, `+`, `[]`, `<<`, `-@`): called
/// through its operator, and by the core library, never by its name.
fn is_operator(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| {
            matches!(
                c,
                '<' | '>' | '=' | '!' | '~' | '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '[' | ']' | '@'
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_are_per_language() {
        assert_eq!(caller_of("getTracker", false), Some("NestJS (ThrottlerGuard)"));
        assert_eq!(caller_of("getTracker", true), None);
        assert_eq!(caller_of("devise_mailer", true), Some("Devise"));
        assert_eq!(caller_of("componentDidMount", false), Some("React"));
        assert_eq!(caller_of("refresh_totals", true), None);
        assert_eq!(caller_of("included", true), Some("Ruby (`include`)"));
        assert_eq!(caller_of("included", false), None);
        assert!(caller_of("<=>", true).is_some_and(|w| w.contains("sort")));
        assert!(caller_of("[]=", true).is_some());
        assert_eq!(caller_of("<=>", false), None);
        assert_eq!(caller_of("issue_reset!", true), None);
        assert_eq!(file_convention("proxy", "proxy.ts"), Some("Next.js (middleware)"));
        assert_eq!(
            file_convention("POST", "app/api/chat/route.ts"),
            Some("Next.js (route handlers)")
        );
        assert_eq!(file_convention("proxy", "lib/proxy.rb"), None);
        assert_eq!(file_convention("proxy", "lib/agent.ts"), None);
        assert_eq!(file_convention("helper", "route.ts"), None);
        for table in [RUBY, SCRIPT] {
            let mut names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            let len = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), len, "duplicate hook name");
        }
    }
}
