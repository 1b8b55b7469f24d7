//! The schema of both databases, one list of versions each, and how a database is brought
//! up to the newest. SQLite records how far a file got in `PRAGMA user_version`; PostgreSQL in
//! the table `schema_migrations`, under an advisory lock so that instances starting together
//! migrate once. Append a new version; never edit one that may have run.

use rusqlite::{Connection, OptionalExtension};

use super::error::StoreError;
use super::facts::rebuild;
use super::pg_conn::PgConn;
use super::sql;
use super::sqlite_conn::SqliteConn;

/// The indexes the desk reads by, the same on both databases (SQLite's version 7,
/// PostgreSQL's 4). The open requests' partial indexes carry every column the inbox filters
/// on, so a filtered page of them is read from the index, and only the rows shown from the
/// table. A new request enters as few as may be: those of a column it has no value in yet
/// (an assignee, a category, a serial number) are partial, so a create writes eight.
macro_rules! desk_indexes {
    () => {
        r#"
    CREATE INDEX requests_filed ON requests (created_day, created_ts, id);
    CREATE INDEX requests_by_status ON requests (status, id, assigned_to);
    CREATE INDEX requests_by_assignee ON requests (assigned_to, id)
        WHERE assigned_to IS NOT NULL;
    CREATE INDEX requests_by_category ON requests (category, id) WHERE category IS NOT NULL;
    CREATE INDEX requests_by_phone ON requests (phone);
    CREATE INDEX requests_by_serial ON requests (serial_key) WHERE serial_key IS NOT NULL;
    CREATE INDEX requests_open ON requests (status, reply_by_ts, id, product_line, intent,
        category, priority, assigned_to, escalates_ts, answered_ts)
        WHERE status IN ('received', 'in_progress', 'waiting_customer');
    CREATE INDEX requests_escalating ON requests (escalates_ts, id, status, product_line, intent,
        category, priority, assigned_to)
        WHERE answered_ts IS NULL AND status IN ('received', 'in_progress', 'waiting_customer');
    CREATE INDEX requests_unanswered ON requests (promised_day, promised_ts, escalates_day,
        escalates_ts) WHERE answered_ts IS NULL;
    CREATE INDEX deflections_by_day ON deflections (created_day);
"#
    };
}

/// The product archive (SQLite's version 8, PostgreSQL's 5): one row per unit, keyed by its
/// product line and serial number (as core normalises it), found by serial alone for the
/// customer's look-up; the audit trail its edits are recorded in; what staff found when
/// resolving a request (its fault cause and parts used, also on the timeline entry). `$id`
/// is each database's way of numbering rows.
macro_rules! archive_tables {
    ($id:literal) => {
        concat!(
            r#"
    CREATE TABLE products (
        product_line     TEXT NOT NULL,
        serial_number    TEXT NOT NULL,
        model            TEXT NOT NULL DEFAULT '',
        configuration    TEXT NOT NULL DEFAULT '',
        produced_on      TEXT NOT NULL DEFAULT '',
        delivered_on     TEXT NOT NULL DEFAULT '',
        warranty_months  INTEGER,
        owner            TEXT NOT NULL DEFAULT '',
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        PRIMARY KEY (product_line, serial_number)
    );
    CREATE INDEX products_by_serial ON products (serial_number);
    CREATE TABLE audit_log (
        id      "#,
            $id,
            r#",
        at      TEXT NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL,
        target  TEXT NOT NULL,
        detail  TEXT NOT NULL
    );
    ALTER TABLE requests ADD COLUMN fault_cause TEXT;
    ALTER TABLE requests ADD COLUMN parts_json TEXT;
    ALTER TABLE events ADD COLUMN findings_json TEXT;
    CREATE INDEX requests_repairs_by_day ON requests (created_day) WHERE intent IN ('repair', 'onsite_report');
"#
        )
    };
}

/// Privacy (SQLite's version 10, PostgreSQL's 7): when a request's personal data was erased
/// (store/privacy.rs: the schedule passes over those already erased), and the e-mail index an
/// erasure or a customer's export by e-mail reads. The audit trail they write is the
/// archive's table.
/// The follow-up list (SQLite's version 11, PostgreSQL's 8): the requests resolved and not
/// followed up, by the day they were first resolved, oldest first. After it every request's
/// facts and counts are derived again ([`super::facts::rebuild`]): a call nobody answered no
/// longer follows a request up, and resolutions are counted by intent and warranty.
const FOLLOW_UPS: &str = r#"
    CREATE INDEX requests_to_call ON requests (resolved_day, resolved_ts, id)
        WHERE NOT followed_up AND status IN ('resolved', 'closed');
"#;

const PRIVACY: &str = r#"
    ALTER TABLE requests ADD COLUMN erased_at TEXT;
    CREATE INDEX requests_by_email ON requests (lower(email));
"#;

/// Field service (SQLite's version 12, PostgreSQL's 9): engineers' visits to a request's site,
/// found by engineer and time for the dispatch board and the clash check, and by request for
/// its record (an unscheduled one, which a report asked for, has no engineer nor window yet;
/// a done one names its report, and the parts it found needed and when they are expected);
/// each timeline entry about a visit keeps the visit as it left it. The status
/// `waiting_parts` is open: the open requests' partial indexes are made again with it. `$id`
/// is each database's way of numbering rows. The staff role `engineer` is each database's own
/// change.
macro_rules! visit_tables {
    ($id:literal) => {
        concat!(
            r#"
    CREATE TABLE visits (
        id          "#,
            $id,
            r#",
        request_id  BIGINT NOT NULL REFERENCES requests(id),
        engineer    TEXT,
        from_at     TEXT,
        to_at       TEXT,
        from_ts     BIGINT,
        to_ts       BIGINT,
        note        TEXT,
        state       TEXT NOT NULL,
        moved_at    TEXT,
        report      TEXT,
        parts_needed       TEXT,
        parts_expected_on  TEXT
    );
    CREATE INDEX visits_by_engineer ON visits (engineer, from_ts);
    CREATE INDEX visits_by_time ON visits (from_ts);
    CREATE INDEX visits_by_request ON visits (request_id, id);
    ALTER TABLE events ADD COLUMN visit_json TEXT;
    DROP INDEX requests_open;
    CREATE INDEX requests_open ON requests (status, reply_by_ts, id, product_line, intent,
        category, priority, assigned_to, escalates_ts, answered_ts)
        WHERE status IN ('received', 'in_progress', 'waiting_customer', 'waiting_parts');
    DROP INDEX requests_escalating;
    CREATE INDEX requests_escalating ON requests (escalates_ts, id, status, product_line, intent,
        category, priority, assigned_to)
        WHERE answered_ts IS NULL AND status IN ('received', 'in_progress', 'waiting_customer', 'waiting_parts');
"#
        )
    };
}

/// Places under the cap per recipient (SQLite's version 13, PostgreSQL's 10): when the worker
/// sending a notice took its place (`store::notices::take_place`), until the outcome is
/// recorded; indexed while taken, so counting a recipient's reads only the few in flight.
const CAP_PLACES: &str = r#"
    ALTER TABLE notices ADD COLUMN sending_since BIGINT;
    CREATE INDEX notices_sending ON notices (recipient, sending_since)
        WHERE sending_since IS NOT NULL;
"#;

/// Who answers a visit (SQLite's version 14, PostgreSQL's 13): the login of the staff
/// session an on-site report was filed in, so only the visit's own engineer's report joins
/// it (`store::visits`), and one visit per report. A report joined to more than one visit
/// before this version stays on the first; the later visits' timeline entries still name it.
const REPORT_FILERS: &str = r#"
    ALTER TABLE requests ADD COLUMN filed_by TEXT;
    UPDATE visits SET report = NULL
        WHERE report IS NOT NULL
          AND id NOT IN (SELECT min(id) FROM visits WHERE report IS NOT NULL GROUP BY report);
    CREATE UNIQUE INDEX visits_by_report ON visits (report) WHERE report IS NOT NULL;
"#;

/// SQLite's versions.
pub const SQLITE_MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE requests (
        id               INTEGER PRIMARY KEY,
        reference        TEXT NOT NULL UNIQUE,
        idempotency_key  TEXT NOT NULL UNIQUE,
        status           TEXT NOT NULL DEFAULT 'received',
        intent           TEXT NOT NULL,
        product_line     TEXT NOT NULL,
        full_name        TEXT NOT NULL,
        phone            TEXT NOT NULL,
        email            TEXT,
        description      TEXT NOT NULL,
        request_json     TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        reply_by         TEXT NOT NULL
    );
    CREATE TABLE reference_sequences (
        day   TEXT PRIMARY KEY,
        last  INTEGER NOT NULL
    );
"#,
    r#"
    ALTER TABLE requests ADD COLUMN category TEXT;
    ALTER TABLE requests ADD COLUMN priority TEXT;
    ALTER TABLE requests ADD COLUMN troubleshooting_json TEXT;
    -- Requests guided troubleshooting made unnecessary: anonymous, one row per solved walk.
    CREATE TABLE deflections (
        id               INTEGER PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        flow_id          TEXT NOT NULL,
        flow_version     INTEGER NOT NULL,
        product_line     TEXT NOT NULL,
        outcome          TEXT NOT NULL,
        created_at       TEXT NOT NULL
    );
"#,
    r#"
    -- The complete request: every other field by name, the warranty as judged, and what
    -- was submitted exactly (what an idempotency key is compared against).
    ALTER TABLE requests ADD COLUMN details_json TEXT;
    ALTER TABLE requests ADD COLUMN warranty TEXT;
    ALTER TABLE requests ADD COLUMN submitted_json TEXT;
    CREATE TABLE photos (
        id            INTEGER PRIMARY KEY,
        request_id    INTEGER NOT NULL REFERENCES requests(id),
        photo_id      TEXT NOT NULL,
        content_type  TEXT NOT NULL,
        bytes         INTEGER NOT NULL,
        width         INTEGER NOT NULL,
        height        INTEGER NOT NULL,
        data          BLOB NOT NULL,
        UNIQUE (request_id, photo_id)
    );
"#,
    r#"
    -- The staff desk. Accounts: a password only as an Argon2id PHC string; a disabled
    -- account keeps its row, so the timeline can still name who did what.
    CREATE TABLE staff (
        id             INTEGER PRIMARY KEY,
        login          TEXT NOT NULL UNIQUE,
        role           TEXT NOT NULL CHECK (role IN ('agent', 'lead')),
        password_hash  TEXT NOT NULL,
        disabled       INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL
    );
    -- Only a hash of each session token: a copy of the file signs nobody in.
    CREATE TABLE staff_sessions (
        token_hash  TEXT PRIMARY KEY,
        staff_id    INTEGER NOT NULL REFERENCES staff(id),
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
    );
    -- Everything that happened to a request after it was filed, in order (id). `actor` is a
    -- staff login, NULL for the customer; `public` entries are what the customer sees.
    CREATE TABLE events (
        id            INTEGER PRIMARY KEY,
        request_id    INTEGER NOT NULL REFERENCES requests(id),
        at            TEXT NOT NULL,
        kind          TEXT NOT NULL,
        actor         TEXT,
        public        INTEGER NOT NULL,
        text          TEXT,
        status        TEXT,
        satisfaction  INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
        outcome       TEXT,
        reply_by      TEXT,
        assigned_to   TEXT
    );
    CREATE INDEX events_by_request ON events (request_id, id);
    CREATE INDEX events_by_kind ON events (kind, at);
    ALTER TABLE requests ADD COLUMN assigned_to TEXT;
    -- The reply time first promised, kept once staff promise another: timeliness is
    -- measured against what the customer was told first.
    ALTER TABLE requests ADD COLUMN first_reply_by TEXT;
    CREATE INDEX requests_by_created ON requests (created_at);
"#,
    r#"
    -- What the customer posts from the status page (a message, a rating) comes from the
    -- outbox, so it is idempotent like a create: the key, what was sent under it (what a
    -- retry is compared against) and the timeline entry it made, which a retry is answered with.
    CREATE TABLE customer_posts (
        id               INTEGER PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        request_id       INTEGER NOT NULL REFERENCES requests(id),
        event_id         INTEGER NOT NULL REFERENCES events(id),
        submitted_json   TEXT NOT NULL
    );
    -- A message's photos sit beside the request's own (so the desk's photo route serves
    -- both); event_id says which message brought them, NULL for the request's.
    ALTER TABLE photos ADD COLUMN event_id INTEGER REFERENCES events(id);
    -- One rating per request, whatever a bug above this line might let through.
    CREATE UNIQUE INDEX one_rating_per_request ON events (request_id) WHERE kind = 'rating';
"#,
    r#"
    -- The desk at scale (version 6): what each request's facts are (store/facts.rs), the
    -- words it is found by (store/search.rs), the figures' counts per day and the archive's
    -- per inbox filter. Filled for every request already stored before version 7's indexes.
    ALTER TABLE requests ADD COLUMN created_ts INTEGER;
    ALTER TABLE requests ADD COLUMN created_day TEXT;
    ALTER TABLE requests ADD COLUMN reply_by_ts INTEGER;
    ALTER TABLE requests ADD COLUMN promised_ts INTEGER;
    ALTER TABLE requests ADD COLUMN promised_day TEXT;
    ALTER TABLE requests ADD COLUMN escalates_ts INTEGER;
    ALTER TABLE requests ADD COLUMN escalates_day TEXT;
    ALTER TABLE requests ADD COLUMN answered_ts INTEGER;
    ALTER TABLE requests ADD COLUMN resolved_ts INTEGER;
    ALTER TABLE requests ADD COLUMN resolved_day TEXT;
    ALTER TABLE requests ADD COLUMN followed_up INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE requests ADD COLUMN satisfaction INTEGER;
    ALTER TABLE requests ADD COLUMN serial_key TEXT;
    ALTER TABLE requests ADD COLUMN search_text TEXT;
    ALTER TABLE deflections ADD COLUMN created_day TEXT;
    CREATE TABLE daily_counts (
        day   TEXT NOT NULL,
        name  TEXT NOT NULL,
        key   TEXT NOT NULL,
        n     INTEGER NOT NULL,
        PRIMARY KEY (day, name, key)
    );
    CREATE TABLE archive_counts (
        status        TEXT NOT NULL,
        product_line  TEXT NOT NULL,
        intent        TEXT NOT NULL,
        category      TEXT NOT NULL,
        priority      TEXT NOT NULL,
        assigned_to   TEXT NOT NULL,
        n             INTEGER NOT NULL,
        PRIMARY KEY (status, product_line, intent, category, priority, assigned_to)
    );
    CREATE TABLE store_state (
        name   TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE request_words USING fts5(
        grams, content='', contentless_delete=1, detail='none', tokenize='ascii'
    );
    DROP INDEX requests_by_created;
"#,
    concat!("-- The indexes the desk reads by (version 7).", desk_indexes!()),
    r#"
    -- Notices to customers and alerts to the team (version 8, store/notices.rs): one row per
    -- notice, channel and recipient, queued in the same transaction as what caused it; each
    -- try recorded. Times are Unix seconds.
    CREATE TABLE notices (
        id            INTEGER PRIMARY KEY,
        request_id    INTEGER NOT NULL REFERENCES requests(id),
        cause         TEXT NOT NULL,
        kind          TEXT NOT NULL,
        audience      TEXT NOT NULL,
        channel       TEXT NOT NULL,
        recipient     TEXT NOT NULL,
        lang          TEXT NOT NULL,
        args_json     TEXT NOT NULL,
        urgent        INTEGER NOT NULL DEFAULT 0,
        state         TEXT NOT NULL DEFAULT 'queued',
        queued_at     INTEGER NOT NULL,
        due_at        INTEGER NOT NULL,
        leased_until  INTEGER,
        attempts      INTEGER NOT NULL DEFAULT 0,
        sent_at       INTEGER,
        last_error    TEXT,
        UNIQUE (request_id, cause, kind, channel, recipient)
    );
    CREATE INDEX notices_due ON notices (due_at, id) WHERE state = 'queued';
    CREATE INDEX notices_sent_to ON notices (recipient, sent_at) WHERE state = 'sent';
    CREATE TABLE notice_attempts (
        id         INTEGER PRIMARY KEY,
        notice_id  INTEGER NOT NULL REFERENCES notices(id),
        at         INTEGER NOT NULL,
        outcome    TEXT NOT NULL,
        detail     TEXT
    );
    CREATE INDEX notice_attempts_of ON notice_attempts (notice_id, id);
    -- Addresses that asked for no more email (the one-click unsubscribe link), lower case.
    CREATE TABLE unsubscribed (
        address  TEXT PRIMARY KEY,
        at       TEXT NOT NULL
    );
    -- What the live desk's stream sends (and sends again after a reconnection, from its id).
    CREATE TABLE desk_changes (
        id         INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        reference  TEXT NOT NULL,
        what       TEXT NOT NULL
    );
    -- Where a member of staff gets alerts.
    ALTER TABLE staff ADD COLUMN email TEXT;
    -- Requests that escalated before this version are not alerted now.
    INSERT INTO store_state (name, value)
        VALUES ('escalations_alerted_to', CAST(unixepoch() AS TEXT));
"#,
    archive_tables!("INTEGER PRIMARY KEY"),
    PRIVACY,
    FOLLOW_UPS,
    concat!(
        r#"
    -- A CHECK is changed by copying the table (foreign keys are off while migrating).
    CREATE TABLE staff_roles (
        id             INTEGER PRIMARY KEY,
        login          TEXT NOT NULL UNIQUE,
        role           TEXT NOT NULL CHECK (role IN ('agent', 'lead', 'engineer')),
        password_hash  TEXT NOT NULL,
        disabled       INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL,
        email          TEXT
    );
    INSERT INTO staff_roles (id, login, role, password_hash, disabled, created_at, email)
        SELECT id, login, role, password_hash, disabled, created_at, email FROM staff;
    DROP TABLE staff;
    ALTER TABLE staff_roles RENAME TO staff;
"#,
        visit_tables!("INTEGER PRIMARY KEY")
    ),
    CAP_PLACES,
    REPORT_FILERS,
    r#"
    -- Each request's status by its id (version 15), for counting what a word search found
    -- (store/inbox.rs): tens of thousands of ids looked up here rather than in the table's
    -- wide rows, a third of the time at a million requests. PostgreSQL counts its findings
    -- as it finds them (store/search.rs).
    CREATE INDEX requests_status_by_id ON requests (id, status);
    -- Its statistics now, in full: an index with none makes the next PRAGMA optimize sample
    -- the whole table again, replacing every other index's full statistics with estimates
    -- (which turned the export's plan into a read of its period from the start per batch).
    ANALYZE requests_status_by_id;
"#,
];

/// PostgreSQL's versions. The columns match SQLite's final schema, so the two read alike.
/// Times stay RFC 3339 text, as in SQLite, so an answer carries the offset the request was
/// made with on both stores.
pub const POSTGRES_MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE requests (
        id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        reference            TEXT NOT NULL CONSTRAINT requests_reference_unique UNIQUE,
        idempotency_key      TEXT NOT NULL CONSTRAINT requests_key_unique UNIQUE,
        status               TEXT NOT NULL DEFAULT 'received',
        intent               TEXT NOT NULL,
        product_line         TEXT NOT NULL,
        full_name            TEXT NOT NULL,
        phone                TEXT NOT NULL,
        email                TEXT,
        description          TEXT NOT NULL,
        request_json         TEXT NOT NULL,
        created_at           TEXT NOT NULL,
        reply_by             TEXT NOT NULL,
        category             TEXT,
        priority             TEXT,
        troubleshooting_json TEXT,
        details_json         TEXT,
        warranty             TEXT,
        submitted_json       TEXT,
        assigned_to          TEXT,
        first_reply_by       TEXT
    );
    CREATE INDEX requests_by_created ON requests (created_at);
    -- Photos' bytes live in the database, as in SQLite: one backup holds everything, and a
    -- request with its photos commits or fails as one.
    CREATE TABLE photos (
        id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id    BIGINT NOT NULL REFERENCES requests(id),
        photo_id      TEXT NOT NULL,
        content_type  TEXT NOT NULL,
        bytes         BIGINT NOT NULL,
        width         BIGINT NOT NULL,
        height        BIGINT NOT NULL,
        data          BYTEA NOT NULL,
        event_id      BIGINT,
        UNIQUE (request_id, photo_id)
    );
    CREATE TABLE deflections (
        id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        flow_id          TEXT NOT NULL,
        flow_version     BIGINT NOT NULL,
        product_line     TEXT NOT NULL,
        outcome          TEXT NOT NULL,
        created_at       TEXT NOT NULL
    );
"#,
    r#"
    -- The staff desk, as in SQLite. Accounts: a password only as an Argon2id PHC string; a
    -- disabled account keeps its row, so the timeline can still name who did what.
    CREATE TABLE staff (
        id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        login          TEXT NOT NULL UNIQUE,
        role           TEXT NOT NULL CHECK (role IN ('agent', 'lead')),
        password_hash  TEXT NOT NULL,
        disabled       BOOLEAN NOT NULL DEFAULT false,
        created_at     TEXT NOT NULL
    );
    -- Only a hash of each session token. Sessions live here, not in an instance's memory,
    -- so a session started on one instance is valid on every other.
    CREATE TABLE staff_sessions (
        token_hash  TEXT PRIMARY KEY,
        staff_id    BIGINT NOT NULL REFERENCES staff(id),
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
    );
    -- Everything that happened to a request after it was filed, in order (id). `actor` is a
    -- staff login, NULL for the customer; `public` entries are what the customer sees.
    CREATE TABLE events (
        id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id    BIGINT NOT NULL REFERENCES requests(id),
        at            TEXT NOT NULL,
        kind          TEXT NOT NULL,
        actor         TEXT,
        public        BOOLEAN NOT NULL,
        text          TEXT,
        status        TEXT,
        satisfaction  INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
        outcome       TEXT,
        reply_by      TEXT,
        assigned_to   TEXT
    );
    CREATE INDEX events_by_request ON events (request_id, id);
    CREATE INDEX events_by_kind ON events (kind, at);
    -- What the customer posts from the status page, idempotent like a create.
    CREATE TABLE customer_posts (
        id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        request_id       BIGINT NOT NULL REFERENCES requests(id),
        event_id         BIGINT NOT NULL REFERENCES events(id),
        submitted_json   TEXT NOT NULL
    );
    -- A message's photos sit beside the request's own; event_id says which message.
    ALTER TABLE photos ADD CONSTRAINT photos_event_fk FOREIGN KEY (event_id) REFERENCES events(id);
    -- One rating per request, whatever a bug above this line might let through.
    CREATE UNIQUE INDEX one_rating_per_request ON events (request_id) WHERE kind = 'rating';
"#,
    r#"
    -- The desk at scale (version 3), as SQLite's versions 6 and 7.
    ALTER TABLE requests ADD COLUMN created_ts BIGINT;
    ALTER TABLE requests ADD COLUMN created_day TEXT;
    ALTER TABLE requests ADD COLUMN reply_by_ts BIGINT;
    ALTER TABLE requests ADD COLUMN promised_ts BIGINT;
    ALTER TABLE requests ADD COLUMN promised_day TEXT;
    ALTER TABLE requests ADD COLUMN escalates_ts BIGINT;
    ALTER TABLE requests ADD COLUMN escalates_day TEXT;
    ALTER TABLE requests ADD COLUMN answered_ts BIGINT;
    ALTER TABLE requests ADD COLUMN resolved_ts BIGINT;
    ALTER TABLE requests ADD COLUMN resolved_day TEXT;
    ALTER TABLE requests ADD COLUMN followed_up BOOLEAN NOT NULL DEFAULT false;
    ALTER TABLE requests ADD COLUMN satisfaction INTEGER;
    ALTER TABLE requests ADD COLUMN serial_key TEXT;
    ALTER TABLE requests ADD COLUMN search_text TEXT;
    ALTER TABLE deflections ADD COLUMN created_day TEXT;
    CREATE TABLE daily_counts (
        day   TEXT NOT NULL,
        name  TEXT NOT NULL,
        key   TEXT NOT NULL,
        n     BIGINT NOT NULL,
        PRIMARY KEY (day, name, key)
    );
    CREATE TABLE archive_counts (
        status        TEXT NOT NULL,
        product_line  TEXT NOT NULL,
        intent        TEXT NOT NULL,
        category      TEXT NOT NULL,
        priority      TEXT NOT NULL,
        assigned_to   TEXT NOT NULL,
        n             BIGINT NOT NULL,
        PRIMARY KEY (status, product_line, intent, category, priority, assigned_to)
    );
    CREATE TABLE store_state (
        name   TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    -- Every pair of adjacent characters of a text: what the word search looks up
    -- (store/search.rs computes the same pairs for SQLite and for the words searched).
    CREATE FUNCTION shouhou_bigrams(text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT COALESCE(array_agg(DISTINCT substr($1, i, 2)), '{}')
        FROM generate_series(1, char_length($1) - 1) AS i
    $$;
    DROP INDEX requests_by_created;
"#,
    concat!(
        "-- The indexes the desk reads by (version 4), as SQLite's version 7, and the words'.",
        desk_indexes!(),
        "CREATE INDEX requests_words ON requests USING gin (shouhou_bigrams(search_text));"
    ),
    r#"
    -- Notices and the live desk (version 5), as SQLite's version 8.
    CREATE TABLE notices (
        id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id    BIGINT NOT NULL REFERENCES requests(id),
        cause         TEXT NOT NULL,
        kind          TEXT NOT NULL,
        audience      TEXT NOT NULL,
        channel       TEXT NOT NULL,
        recipient     TEXT NOT NULL,
        lang          TEXT NOT NULL,
        args_json     TEXT NOT NULL,
        urgent        BOOLEAN NOT NULL DEFAULT false,
        state         TEXT NOT NULL DEFAULT 'queued',
        queued_at     BIGINT NOT NULL,
        due_at        BIGINT NOT NULL,
        leased_until  BIGINT,
        attempts      INTEGER NOT NULL DEFAULT 0,
        sent_at       BIGINT,
        last_error    TEXT,
        UNIQUE (request_id, cause, kind, channel, recipient)
    );
    CREATE INDEX notices_due ON notices (due_at, id) WHERE state = 'queued';
    CREATE INDEX notices_sent_to ON notices (recipient, sent_at) WHERE state = 'sent';
    CREATE TABLE notice_attempts (
        id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        notice_id  BIGINT NOT NULL REFERENCES notices(id),
        at         BIGINT NOT NULL,
        outcome    TEXT NOT NULL,
        detail     TEXT
    );
    CREATE INDEX notice_attempts_of ON notice_attempts (notice_id, id);
    CREATE TABLE unsubscribed (
        address  TEXT PRIMARY KEY,
        at       TEXT NOT NULL
    );
    CREATE TABLE desk_changes (
        id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at         BIGINT NOT NULL,
        reference  TEXT NOT NULL,
        what       TEXT NOT NULL
    );
    ALTER TABLE staff ADD COLUMN email TEXT;
    INSERT INTO store_state (name, value)
        VALUES ('escalations_alerted_to', CAST(CAST(extract(epoch FROM now()) AS BIGINT) AS TEXT));
"#,
    archive_tables!("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
    PRIVACY,
    FOLLOW_UPS,
    concat!(
        r#"
    ALTER TABLE staff DROP CONSTRAINT staff_role_check;
    ALTER TABLE staff ADD CONSTRAINT staff_role_check
        CHECK (role IN ('agent', 'lead', 'engineer'));
"#,
        visit_tables!("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
    ),
    CAP_PLACES,
    r#"
    -- Version 11: what PostgreSQL's planner needs and SQLite's does not.
    -- The unassigned requests of a status, newest first: walking the status index for them
    -- reads every request of the status once all are assigned (the resolved, 120,000 at a
    -- million requests, for none).
    CREATE INDEX requests_unassigned ON requests (status, id) WHERE assigned_to IS NULL;
    -- What a word search counts by status: each request's status and words, in a table of
    -- their own, kept by the database on every write of either. Counting a common word from
    -- the requests reads a whole row of 1.5 KB for each of tens of thousands of findings,
    -- spread over most of the table's pages; this table's rows are a tenth of that.
    CREATE TABLE request_search (
        id           BIGINT PRIMARY KEY,
        status       TEXT NOT NULL,
        search_text  TEXT
    );
    CREATE FUNCTION shouhou_request_search() RETURNS trigger
        LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO request_search (id, status, search_text)
            VALUES (NEW.id, NEW.status, NEW.search_text)
            ON CONFLICT (id) DO UPDATE
            SET status = excluded.status, search_text = excluded.search_text;
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER requests_searched AFTER INSERT OR UPDATE OF status, search_text ON requests
        FOR EACH ROW EXECUTE FUNCTION shouhou_request_search();
    INSERT INTO request_search (id, status, search_text)
        SELECT id, status, search_text FROM requests;
    CREATE INDEX request_search_words ON request_search USING gin (shouhou_bigrams(search_text));
    -- Its first searches, before autovacuum has looked at it, plan from what it holds.
    ANALYZE request_search;
"#,
    r#"
    -- Version 12: the pairs of a text, a loop of PL/pgSQL rather than a query of SQL. A create
    -- computes them twice (the requests' index of words and the search table's), and a SQL
    -- function is planned anew each time a statement runs it: 0.13 ms a call against 0.06 ms
    -- for a 140-character text, most of a create's time in PostgreSQL after its indexes. A
    -- pair may now come twice, in the order of the text: a GIN index keeps each key once and
    -- `@>` asks for each pair, so the indexes built by the query hold the same keys and
    -- answer the same.
    CREATE OR REPLACE FUNCTION shouhou_bigrams(text) RETURNS text[]
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
        pairs text[] := '{}';
    BEGIN
        FOR i IN 1 .. char_length($1) - 1 LOOP
            pairs := pairs || substr($1, i, 2);
        END LOOP;
        RETURN pairs;
    END
    $$;
"#,
    REPORT_FILERS,
    r#"
    -- Version 14: the search table a word search alone is counted from is filled apart from
    -- the create (store/search.rs), as SQLite's index of words is: its row and GIN index cost
    -- a tenth of a create's rate. Its trigger keeps only a change of status or text. Every
    -- request stored now is in it, which the mark says. (Dropping the trigger waits for the
    -- creates in flight, which the old one adds.)
    DROP TRIGGER requests_searched ON requests;
    CREATE TRIGGER requests_searched AFTER UPDATE OF status, search_text ON requests
        FOR EACH ROW EXECUTE FUNCTION shouhou_request_search();
    INSERT INTO store_state (name, value)
        SELECT 'words_through', CAST(COALESCE(max(id), 0) AS TEXT) FROM requests
        ON CONFLICT (name) DO UPDATE SET value = excluded.value;
"#,
    r#"
    -- Version 15: a word search finds its requests once a page, in the search table
    -- (store/search.rs), and reads them by their key: the requests' own index of word pairs,
    -- which each create wrote (a fifth of a create's rate), is read no more.
    DROP INDEX requests_words;
"#,
];

/// Any one fixed number: the advisory lock every instance takes to migrate ("SHOUHOU1").
pub const MIGRATION_LOCK: i64 = 0x5348_4F55_484F_5531;

/// The versions after whose SQL every request already stored is given what the desk reads
/// by ([`super::facts::rebuild`]), in the same transaction: the first added it (the next
/// version indexes it), the last changed it ([`FOLLOW_UPS`]).
const SQLITE_REBUILT_AT: [usize; 2] = [6, 11];
const POSTGRES_REBUILT_AT: [usize; 2] = [3, 8];
const _: () = assert!(
    SQLITE_MIGRATIONS.len() >= 11 && POSTGRES_MIGRATIONS.len() >= 8,
    "FOLLOW_UPS is SQLite's version 11 and PostgreSQL's 8"
);

pub(super) fn migrate_sqlite(conn: &mut Connection) -> Result<(), StoreError> {
    let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    // A version that copies a table to change its constraints drops the old one, which the
    // rows pointing at it would refuse: SQLite's own procedure turns the check off for that
    // (it cannot be turned off inside a transaction), and checks the keys before committing.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let migrated = migrate_sqlite_from(conn, version);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrated
}

fn migrate_sqlite_from(conn: &mut Connection, version: usize) -> Result<(), StoreError> {
    for (index, sql) in SQLITE_MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        if SQLITE_REBUILT_AT.contains(&(index + 1)) {
            sql::ready(rebuild(&SqliteConn(&tx)))?;
        }
        let broken: Option<String> =
            tx.query_row("PRAGMA foreign_key_check", [], |row| row.get(0)).optional()?;
        if let Some(table) = broken {
            return Err(StoreError::Data(format!(
                "version {}: a row of {table} points at nothing",
                index + 1
            )));
        }
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Runs the versions not yet run in `tx`; how many it ran. The transaction-scoped lock is
/// released by COMMIT or ROLLBACK, so a pooled connection never keeps it.
pub(super) async fn migrate_postgres(
    tx: &deadpool_postgres::Transaction<'_>,
) -> Result<usize, StoreError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     INTEGER PRIMARY KEY,
             applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let done: i32 =
        tx.query_one("SELECT COALESCE(max(version), 0) FROM schema_migrations", &[]).await?.get(0);
    let mut ran = 0;
    for (index, sql) in POSTGRES_MIGRATIONS.iter().enumerate().skip(done as usize) {
        tx.batch_execute(sql).await?;
        if POSTGRES_REBUILT_AT.contains(&(index + 1)) {
            rebuild(&PgConn::new(tx)).await?;
        }
        let version = index as i32 + 1;
        tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version]).await?;
        tracing::info!(version, "migrated the PostgreSQL schema");
        ran += 1;
    }
    Ok(ran)
}
