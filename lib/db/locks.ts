// Advisory-lock ids, in one place so two features never share one by accident. Transaction-level
// locks (pg_advisory_xact_lock) unless the user says otherwise.

/** Audit hash-chain appends (lib/audit). */
export const AUDIT_CHAIN_LOCK = 7_261_001;
/** Role changes and deactivations, so the last admin cannot be removed by two requests at once. */
export const USERS_LOCK = 7_261_002;
/** First admin and demo data at start. */
export const BOOTSTRAP_LOCK = 7_261_003;
/** Approval expiry and escalation sweeps (try-lock: one instance sweeps at a time). */
export const APPROVALS_SWEEP_LOCK = 7_261_010;
/** Contacts and the escalation path: one lock, because a saved path names contacts. */
export const CONTACTS_LOCK = 7_261_020;
/** Every write to the service catalogue: the UI's verbs and SERVICES_FILE take turns. */
export const SERVICE_CATALOG_LOCK = 7_261_030;
/** One alert group (two-key form: this id, hashtext of integration, group key and service label). */
export const ALERT_GROUP_LOCK = 7_261_040;
/** One service's alert decisions (two-key form: this id, hashtext of the service id): one incident, one rollback. */
export const ALERT_SERVICE_LOCK = 7_261_041;
/** Re-deciding waiting alert groups (try-lock: one instance sweeps at a time). */
export const ALERTS_SWEEP_LOCK = 7_261_042;
/** One service's deployment records (two-key form: this id, hashtext of the service id): rollback recognition and the freeze check see every earlier record. */
export const DEPLOYMENT_SERVICE_LOCK = 7_261_050;
/** Deciding pending deployments' verdicts (try-lock: one instance sweeps at a time). */
export const DEPLOYMENTS_SWEEP_LOCK = 7_261_051;
