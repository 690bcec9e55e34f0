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

/// Who calls `name` by convention, for a method defined in Ruby (`ruby`)
/// or in TypeScript/JavaScript.
pub fn caller_of(name: &str, ruby: bool) -> Option<&'static str> {
    let table = if ruby { RUBY } else { SCRIPT };
    table.iter().find(|(n, _)| *n == name).map(|(_, who)| *who)
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
        for table in [RUBY, SCRIPT] {
            let mut names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            let len = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), len, "duplicate hook name");
        }
    }
}
