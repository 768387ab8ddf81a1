/* fb-store.h: the local SQLite store of notes and records and their sync state */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fb-item.h"

G_BEGIN_DECLS

#define FB_STORE_ERROR (fb_store_error_quark ())

typedef enum {
  FB_STORE_ERROR_OPEN,           /* the file or its folder cannot be created or opened */
  FB_STORE_ERROR_NOT_A_DATABASE, /* the file is not a Fieldbook/SQLite database */
  FB_STORE_ERROR_BUSY,           /* another program holds the database locked */
  FB_STORE_ERROR_FULL,           /* the disk is full */
  FB_STORE_ERROR_CORRUPT,        /* the database is damaged */
  FB_STORE_ERROR_TOO_NEW,        /* written by a newer Fieldbook */
  FB_STORE_ERROR_NOT_FOUND,      /* no item with that id */
  FB_STORE_ERROR_INVALID,        /* bad argument (e.g. body is not a valid object) */
  FB_STORE_ERROR_FAILED,         /* anything else SQLite reports */
  FB_STORE_ERROR_IN_CONFLICT,    /* refused while the item is in conflict */
  FB_STORE_ERROR_READ_ONLY,      /* opened for reading only (disk full, read-only location) */
  FB_STORE_ERROR_NOT_HERE,       /* needs the data of an attachment only the server has */
} FbStoreError;

typedef enum {
  FB_RESOLVE_KEEP_MINE,   /* mine goes on top of the server's rev, pending */
  FB_RESOLVE_USE_SERVER,  /* take the server's side, synced */
  FB_RESOLVE_KEEP_BOTH,   /* mine becomes a new pending item; this one takes the server's side */
} FbResolution;

#define FB_TYPE_STORE (fb_store_get_type ())
G_DECLARE_FINAL_TYPE (FbStore, fb_store, FB, STORE, GObject)

GQuark       fb_store_error_quark         (void);

/* The default database: g_get_user_data_dir()/fieldbook/fieldbook.db */
char        *fb_store_get_default_path    (void);

/* Opens (creating and migrating as needed) the database at @path, or the
 * default path when @path is NULL. */
FbStore     *fb_store_new                 (const char  *path,
                                           GError     **error);
const char  *fb_store_get_path            (FbStore     *self);

/* When the database cannot be written (its disk is full, or the file or
 * its folder is read-only), fb_store_new() opens it for reading: every
 * item can be read, searched and exported, and every write fails with
 * FB_STORE_ERROR_READ_ONLY and changes nothing. The error says why in
 * words; NULL while the store can be written (property "read-only"). */
gboolean      fb_store_get_read_only       (FbStore     *self);
const GError *fb_store_get_read_only_error (FbStore     *self);
/* Opens a read-only store for writing again (space was freed): TRUE and
 * notify::read-only when that worked; otherwise it stays read-only and
 * @error says why. TRUE at once for a writable store. Not inside a
 * transaction. */
gboolean      fb_store_reopen_writable     (FbStore     *self,
                                            GError     **error);

/* Transactions. Every write below is atomic on its own; wrapping several in
 * begin/commit makes them one transaction (nesting is allowed: inner levels
 * are savepoints). Signals for changes made inside a transaction are emitted
 * after the outermost commit, and dropped on rollback.
 * When commit fails, nothing of that level was saved and the level is still
 * open: call fb_store_rollback() (as after any failed write inside it). If
 * SQLite itself abandoned the whole transaction (a full disk), every further
 * write and commit inside it fails until the outermost rollback. */
gboolean     fb_store_begin               (FbStore     *self,
                                           GError     **error);
gboolean     fb_store_commit              (FbStore     *self,
                                           GError     **error);

/* Where a change to an item came from: the detail of FbStore::item-changed,
 * so listeners decide by what happened. Each write says its own; one
 * transaction may hold several (a pull batch with merges in it). */
typedef enum {
  FB_STORE_CHANGE_LOCAL_EDIT, /* "local-edit": this device's person or program */
  FB_STORE_CHANGE_PUSH,       /* "push": the server's answer to ours (state, rev, errors) */
  FB_STORE_CHANGE_PULL,       /* "pull": the server's version taken as it is */
  FB_STORE_CHANGE_MERGE,      /* "merge": both sides merged, or a conflict entered */
  FB_STORE_CHANGE_RESOLUTION, /* "resolution": the person resolved a conflict */
} FbStoreChangeOrigin;
void         fb_store_rollback            (FbStore     *self);

/* The work of one transaction: TRUE when it is to be committed. */
typedef gboolean (*FbStoreTxnFunc) (FbStore   *self,
                                    gpointer   user_data,
                                    GError   **error);

/* Runs @func inside begin/commit: commits when it returns TRUE, rolls back
 * when it or the commit fails (nothing of it is saved then). Inside
 * another transaction it is a savepoint of that one. */
gboolean     fb_store_with_transaction    (FbStore        *self,
                                           FbStoreTxnFunc  func,
                                           gpointer        user_data,
                                           GError        **error);

/* ---- Local edits: body + local_seq bump + state=pending, one transaction ---- */

/* Returns the new item (a fresh UUID, pending). */
FbItem      *fb_store_create_item         (FbStore     *self,
                                           const char  *collection,
                                           JsonObject  *body,
                                           GError     **error);
/* Like create, but with a given id: an existing live item with that id is
 * updated instead (used by import). */
FbItem      *fb_store_put_item            (FbStore     *self,
                                           const char  *id,
                                           const char  *collection,
                                           JsonObject  *body,
                                           GError     **error);
gboolean     fb_store_update_item         (FbStore     *self,
                                           const char  *id,
                                           JsonObject  *body,
                                           GError     **error);
/* A new item (pending) with @id's body as this device has it: its title
 * marked as a copy, not pinned, the same fields, tags and attachments —
 * but for those whose data only the server has, which @n_left_out
 * (nullable) counts. FB_STORE_ERROR_NOT_FOUND for an unknown id or one in
 * the Trash. */
FbItem      *fb_store_duplicate_item      (FbStore     *self,
                                           const char  *id,
                                           guint       *n_left_out,
                                           GError     **error);
/* Marks a tombstone (pending); the row is purged once the server has it. */
gboolean     fb_store_delete_item         (FbStore     *self,
                                           const char  *id,
                                           GError     **error);
/* Undo of delete: the item is live again (pending). */
gboolean     fb_store_restore_item        (FbStore     *self,
                                           const char  *id,
                                           GError     **error);

/* ---- Reading ---- */

/* NULL with FB_STORE_ERROR_NOT_FOUND if there is no row (tombstones are
 * returned, with fb_item_get_deleted() TRUE). */
FbItem      *fb_store_get_item            (FbStore     *self,
                                           const char  *id,
                                           GError     **error);
/* Live (non-deleted) items of a collection (NULL: all), newest
 * updated_at first. Element type FbItem. */
GPtrArray   *fb_store_list_items          (FbStore     *self,
                                           const char  *collection,
                                           GError     **error);
/* Full-text search (title, text, record field values, tags) of @collection
 * (NULL: notes and records, not templates) with prefix matching,
 * every word required, the most recently written first (as the window
 * shows it). @query is what a person typed, not FTS syntax; a blank one
 * lists every item; `tag:NAME` keeps the items tagged NAME
 * (fb-store-tags.h). */
GPtrArray   *fb_store_search              (FbStore     *self,
                                           const char  *collection,
                                           const char  *query,
                                           GError     **error);
/* The same, the first @limit results only (0: all). */
GPtrArray   *fb_store_search_first        (FbStore     *self,
                                           const char  *collection,
                                           const char  *query,
                                           guint        limit,
                                           GError     **error);
guint        fb_store_get_pending_count   (FbStore     *self);
guint        fb_store_get_conflict_count  (FbStore     *self);
/* Items in conflict state, oldest first. */
GPtrArray   *fb_store_list_conflicts      (FbStore     *self,
                                           GError     **error);

/* ---- Sync-facing ---- */

/* Up to @limit pending items (tombstones included) with local_seq >
 * @after_seq, ordered by local_seq. */
GPtrArray   *fb_store_list_pending        (FbStore     *self,
                                           gint64       after_seq,
                                           guint        limit,
                                           GError     **error);
/* Up to @limit items (tombstones included) that have a revision the
 * server should know (base_rev or server_rev), ordered by id, with id >
 * @after_id (NULL: from the first): for checking a server against the
 * store. */
GPtrArray   *fb_store_list_known_to_server (FbStore    *self,
                                            const char *after_id,
                                            guint       limit,
                                            GError    **error);
/* The server accepted @body/@deleted (as sent at @sent_local_seq) as @rev:
 * base_rev/base_body := rev/body, sync_error cleared; state := synced only if
 * local_seq is still @sent_local_seq (otherwise it stays pending). A synced
 * tombstone is purged. */
gboolean     fb_store_mark_pushed         (FbStore     *self,
                                           const char  *id,
                                           gint64       sent_local_seq,
                                           const char  *rev,
                                           JsonObject  *body,
                                           gboolean     deleted,
                                           GError     **error);
/* The same for @sent, a snapshot from fb_store_list_pending () pushed as
 * it is (body, deleted, local_seq): its stored body text becomes base_body
 * without being serialised again. */
gboolean     fb_store_mark_item_pushed    (FbStore     *self,
                                           FbItem      *sent,
                                           const char  *rev,
                                           GError     **error);
/* In flight: before a push is sent, what it sends for each of @items
 * (snapshots from fb_store_list_pending (): body or deletion, local_seq) is
 * written down durably. It is forgotten when the server's answer arrives
 * (fb_store_mark_*pushed ()), or when the item takes a base that is not
 * ours (a merge, a conflict, a resolution). Emits no signal. */
gboolean     fb_store_record_in_flight    (FbStore     *self,
                                           GPtrArray   *items,
                                           GError     **error);
/* The server shows @rev with @server_body/@server_deleted for the pending
 * item @id. When that is exactly what one of our pushes sent (its answer
 * was lost), *@adopted is set and @rev becomes the base, as if the answer
 * had arrived: synced if nothing was edited since that send (a tombstone is
 * purged), otherwise pending on top of @rev with a new local_seq. Anything
 * else changes nothing (*@adopted FALSE): merge as usual. Call it from
 * every path that sees the server's version of a pending item. */
gboolean     fb_store_adopt_in_flight     (FbStore     *self,
                                           const char  *id,
                                           const char  *rev,
                                           JsonObject  *server_body,
                                           gboolean     server_deleted,
                                           gboolean    *adopted,
                                           GError     **error);
/* Takes the server's version for an item that has no local changes (or does
 * not exist yet): body, deleted, base := server; state synced. A deletion of
 * an unknown id is a no-op; a deletion of a known one purges the row. */
gboolean     fb_store_apply_remote        (FbStore     *self,
                                           const char  *id,
                                           const char  *collection,
                                           const char  *rev,
                                           JsonObject  *body,
                                           gboolean     deleted,
                                           gint64       updated_at,
                                           GError     **error);
/* As fb_store_apply_remote (), inside a transaction the caller opened for a
 * whole batch of pulled changes and rolls back whole when one fails: no
 * savepoint of its own (a pull applies thousands in one commit). */
gboolean     fb_store_apply_remote_in_batch (FbStore     *self,
                                             const char  *id,
                                             const char  *collection,
                                             const char  *rev,
                                             JsonObject  *body,
                                             gboolean     deleted,
                                             gint64       updated_at,
                                             GError     **error);
/* A synced item @id whose base is @rev becomes pending as it is (body and
 * updated_at unchanged, local_seq bumped), so that the next push sends it
 * on top of @rev: the sync layer found that the server holds only part of
 * a file of it that this device holds whole. An item edited since, at
 * another revision or deleted stays as it is (*@marked FALSE; nullable).
 * Nests in the caller's transaction. */
gboolean     fb_store_send_again          (FbStore     *self,
                                           const char  *id,
                                           const char  *rev,
                                           gboolean    *marked,
                                           GError     **error);
/* The items of @ids (NULL-terminated) that exist, in one query: id → FbItem.
 * NULL when SQLite failed. */
GHashTable  *fb_store_lookup_items        (FbStore            *self,
                                           const char * const *ids,
                                           GError            **error);
/* A clean merge of local changes with the server's @rev/@server_body: base :=
 * server; body := @merged (NULL: deleted); state pending (local_seq bumped),
 * or synced if @merged equals the server's body. */
gboolean     fb_store_apply_merged        (FbStore     *self,
                                           const char  *id,
                                           const char  *rev,
                                           JsonObject  *server_body,
                                           gboolean     server_deleted,
                                           JsonObject  *merged,
                                           gboolean     merged_deleted,
                                           GError     **error);
/* Enters conflict state with the server's side kept beside mine. */
gboolean     fb_store_set_conflict        (FbStore     *self,
                                           const char  *id,
                                           const char  *server_rev,
                                           JsonObject  *server_body,
                                           gboolean     server_deleted,
                                           GError     **error);
/* The server does not have the pending item @id (a new or recreated
 * database, a purged document): base_rev := NULL, so that its next push
 * creates it; local_seq is bumped so that it goes out again in this run.
 * base_body stays as the last version both sides had. */
gboolean     fb_store_forget_base_rev     (FbStore     *self,
                                           const char  *id,
                                           GError     **error);
/* Every live synced item becomes pending again, to be sent as it is (when
 * encryption is turned on, the server's plain copies are replaced). One
 * transaction; *@n_marked (nullable) says how many. */
gboolean     fb_store_mark_for_upload     (FbStore     *self,
                                           guint       *n_marked,
                                           GError     **error);
/* The person's @mine was made on an earlier version of the item while
 * another version arrived from the server, and the two changed the same
 * lines: both are kept as a conflict, @mine as this device's side and the
 * server's version (base_rev/base_body) as the other. An item already in
 * conflict, or never synced, just takes @mine as a local edit. */
gboolean     fb_store_keep_edit_in_conflict (FbStore     *self,
                                             const char  *id,
                                             JsonObject  *mine,
                                             GError     **error);
/* Records (or clears, with NULL) the server's per-item rejection; the item
 * stays pending. */
gboolean     fb_store_set_sync_error      (FbStore     *self,
                                           const char  *id,
                                           const char  *message,
                                           GError     **error);
/* Resolves a conflict. For KEEP_BOTH, @new_id (nullable) receives the id of
 * the new item that holds mine; it is refused with FB_STORE_ERROR_NOT_HERE
 * while a file of mine is only on the server and its version does not
 * list it (download it first: fb_store_list_attachments () shows which). */
gboolean     fb_store_resolve_conflict    (FbStore      *self,
                                           const char   *id,
                                           FbResolution  how,
                                           char        **new_id,
                                           GError      **error);

/* Per-remote checkpoint (the last _changes seq, as JSON text). @remote is a
 * key naming the server + database. NULL when never synced. */
char        *fb_store_get_checkpoint      (FbStore     *self,
                                           const char  *remote);
gboolean     fb_store_set_checkpoint      (FbStore     *self,
                                           const char  *remote,
                                           const char  *seq_json,
                                           GError     **error);
/* Which server database the store last agreed with: the session id that
 * it and the server's checkpoint document hold (see FbSyncManager). NULL
 * when @remote is not the one that was last reconciled. */
char        *fb_store_get_remote_session  (FbStore     *self,
                                           const char  *remote);
/* After a reconciliation with @remote, or a run that wrote to it, once
 * the server's checkpoint document holds @session: @remote becomes the
 * current remote with @session, the unconfirmed mark (below) is cleared,
 * and unless @keep_checkpoint so is the pull checkpoint (the next pull
 * starts from the beginning). One transaction. */
gboolean     fb_store_set_remote_session  (FbStore     *self,
                                           const char  *remote,
                                           const char  *session,
                                           gboolean     keep_checkpoint,
                                           GError     **error);
/* Written before a run sends its first write to @remote, cleared when the
 * session is set or renewed: while it stands, a matching session proves
 * nothing (the server may have been restored to a copy older than those
 * writes, our checkpoint document included). */
gboolean     fb_store_mark_remote_unconfirmed (FbStore  *self,
                                           const char  *remote,
                                           GError     **error);
gboolean     fb_store_get_remote_unconfirmed (FbStore   *self,
                                           const char  *remote);
/* Key/values in the meta table. */
char        *fb_store_get_meta            (FbStore     *self,
                                           const char  *key);
gboolean     fb_store_set_meta            (FbStore     *self,
                                           const char  *key,
                                           const char  *value,
                                           GError     **error);
/* A stable id for this database, made on first open. */
const char  *fb_store_get_device_id       (FbStore     *self);

/* Signals:
 *   item-changed (FbItem *item): after a commit, once per changed item, with
 *     its new snapshot; a deleted or purged item comes with
 *     fb_item_get_deleted() TRUE. Detailed by the origin of the item's last
 *     change in the transaction (FbStoreChangeOrigin): "item-changed::local-edit",
 *     "::push", "::pull", "::merge", "::resolution".
 * Properties (notify only on change): pending-count, conflict-count. */

G_END_DECLS
