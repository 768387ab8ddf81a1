/* fb-store-private.h: internals shared by the store's own files and its tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <sqlite3.h>

#include "fb-item.h"
#include "fb-store.h"
#include "fb-store-history.h"

G_BEGIN_DECLS

/* The columns every item query selects, in this order; the first is the
 * row's rowid (the key of the full-text index). */
#define FB_ITEM_COLUMNS \
  "items.rowid, items.id, items.collection, items.body, items.deleted, " \
  "items.created_at, items.updated_at, items.state, items.local_seq, " \
  "items.base_rev, items.base_body, items.server_rev, items.server_body, " \
  "items.server_deleted, items.sync_error"
/* How many they are: a column selected after them (a rank) has this index. */
#define FB_ITEM_N_COLUMNS 15

/* The newest schema this build writes. */
#define FB_STORE_SCHEMA_VERSION 11

/* PRAGMA application_id of a Fieldbook database ("FBk1"). */
#define FB_STORE_APPLICATION_ID 0x46426b31

typedef gint64 (*FbStoreClockFunc) (gpointer user_data);

/* One class over several files (fb-store*.c), as GNOME Text Editor's
 * EditorWindow: the instance struct is shared here. */
struct _FbStore
{
  GObject           parent_instance;

  char             *path;
  sqlite3          *db;
  char             *device_id;
  /* Why the database is open for reading only; NULL when writable. */
  GError           *read_only;

  /* SQL text → sqlite3_stmt, prepared once and kept for the store's life. */
  GHashTable       *statements;

  /* Transactions: depth 0 is none, 1 a BEGIN, deeper ones savepoints. */
  guint             depth;
  /* Set when SQLite rolled the whole transaction back by itself (disk
   * full, I/O error): everything up to the outermost level is gone. */
  GError           *broken;
  /* The last error SQLite reported, to say why a transaction was lost. */
  GError           *last_error;
  /* Snapshots waiting for the outermost commit, and the queue length when
   * each level began, so a rolled back savepoint drops only its own. */
  GPtrArray        *queue;
  GArray           *queue_origins; /* FbStoreChangeOrigin of each queued snapshot */
  GArray           *queue_marks;
  /* Full-text index updates waiting for the outermost commit, and the
   * queue length when each level began (see _fb_store_index_queue_flush ()). */
  GArray           *index_queue;
  GArray           *index_marks;
  /* The snapshots being announced right now, and which announcement. */
  GPtrArray        *flushing;
  guint             flush_serial;

  /* Counts as of the last commit (what the properties say), and as of now
   * inside the current transaction. */
  guint             pending_count;
  guint             conflict_count;
  guint             live_pending;
  guint             live_conflict;

  /* WAL checkpoints run on a worker with a connection of its own (see
   * wal_hook_cb ()); @checkpoint_lock guards the two flags. */
  GMutex            checkpoint_lock;
  GCond             checkpoint_cond;
  gboolean          checkpoint_running;
  gboolean          checkpoint_unavailable;
  sqlite3          *checkpoint_db;

  /* The full-text index's segments merged while idle (fb-store-index.c). */
  GSource          *merge_source;

  guint             busy_timeout;
  FbStoreClockFunc  clock;
  gpointer          clock_data;
};

/* One row of the items table as it is written. Bodies stay JSON text: most
 * writes move them from one column to another without looking inside. */
typedef struct
{
  gint64       rowid;
  char        *id;
  char        *collection;
  char        *body;
  gint64       created_at;
  gint64       updated_at;
  gint64       local_seq;
  char        *base_rev;
  char        *base_body;
  char        *server_rev;
  char        *server_body;
  char        *sync_error;
  FbItemState  state;
  gboolean     deleted;
  gboolean     server_deleted;
  /* @body and @base_body parsed, when the writer has them (borrowed,
   * nullable; a snapshot shares them only if they are immutable). */
  JsonObject  *body_object;
  JsonObject  *base_body_object;
} FbStoreRow;

/* Makes a snapshot of the values of @row (just written, or read).
 * @purged makes the last snapshot of a row the server's deletion is about
 * to remove: deleted, synced. */
FbItem      *_fb_item_new_from_row           (const FbStoreRow *row,
                                              gboolean          purged);
/* The same, taking the values out of @row (which is left cleared). */
FbItem      *_fb_item_new_take_row           (FbStoreRow       *row);

gint64       _fb_item_get_rowid              (FbItem           *self);

const char  *_fb_item_state_to_string        (FbItemState       state);
FbItemState  _fb_item_state_from_string      (const char       *str);

/* Search helpers for FbItemList (see fb-store-index.c for the order): the
 * keys of up to @limit results (0: all) whose rowid is below
 * @before_rowid, and the rank of one item (minus its rowid) if it matches
 * @query. */
gboolean     _fb_store_search_keys           (FbStore          *self,
                                              const char       *collection,
                                              const char       *query,
                                              gint64            before_rowid,
                                              guint             limit,
                                              GArray           *keys,
                                              GError          **error);
gboolean     _fb_store_match_item            (FbStore          *self,
                                              FbItem           *item,
                                              const char       *query,
                                              double           *rank);
/* While FbStore::item-changed is being emitted for a commit: all the
 * snapshots of that commit, and a number telling this announcement from
 * the next. NULL otherwise. */
GPtrArray   *_fb_store_get_flushing          (FbStore          *self,
                                              guint            *serial);
/* Which of @items (FbItem) match @query: their rowid (gint64 *) → rank
 * (double *). One query for all of them. */
GHashTable  *_fb_store_match_items           (FbStore          *self,
                                              const char       *query,
                                              GPtrArray        *items);
/* TRUE if @query is NULL or only spaces: no search at all. */
gboolean     _fb_store_query_is_blank        (const char       *query);

/* Shared with fb-store-history.c and fb-store-trash.c. */
typedef sqlite3_stmt FbCachedStmt;

/* A cached statement goes back to the cache ready for its next use. */
static inline void
fb_cached_stmt_release (FbCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbCachedStmt, fb_cached_stmt_release)

void         _fb_store_row_clear             (FbStoreRow       *row);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FbStoreRow, _fb_store_row_clear)

FbCachedStmt *_fb_store_get_stmt             (FbStore          *self,
                                              const char       *sql,
                                              GError          **error);
gboolean     _fb_store_step_done             (FbStore          *self,
                                              sqlite3_stmt     *stmt,
                                              GError          **error);
gboolean     _fb_store_step_row              (FbStore          *self,
                                              sqlite3_stmt     *stmt,
                                              gboolean         *has_row,
                                              GError          **error);
void         _fb_store_set_sqlite_error      (FbStore          *self,
                                              GError          **error,
                                              int               rc);
gint64       _fb_store_now                   (FbStore          *self);
gboolean     _fb_store_load_row              (FbStore          *self,
                                              const char       *id,
                                              FbStoreRow       *row,
                                              gboolean         *found,
                                              GError          **error);
/* A local edit of a live item's body (history kept as for any edit). */
gboolean     _fb_store_save_local_body       (FbStore          *self,
                                              const FbStoreRow *before,
                                              const char       *body,
                                              GError          **error);
/* Removes the row for good (history and Trash entry included). */
/* Whether anyone listens to FbStore::item-changed, with or without a detail. */
gboolean     _fb_store_has_listeners         (FbStore          *self);
/* After the outermost commit: FbStore::item-changed for each changed item
 * (fb-store.c), then the counts' notifications. */
void         _fb_store_announce_changes      (FbStore          *self);
gboolean     _fb_store_forget_row            (FbStore          *self,
                                              const FbStoreRow *before,
                                              FbStoreChangeOrigin origin,
                                              GError          **error);
/* Announces @row again after the commit (its Trash entry changed). */
void         _fb_store_queue_snapshot        (FbStore          *self,
                                              const FbStoreRow *row);

/* fb-store-history.c: the moments history is kept, called from the
 * writes in fb-store.c inside their transaction. */
typedef enum {
  FB_HISTORY_KEEP_BEFORE_EDIT,      /* a local edit is about to replace @before */
  FB_HISTORY_KEEP_BEFORE_OVERWRITE, /* a sync/merge/resolution is about to */
  FB_HISTORY_KEEP_ALWAYS,           /* leaving the item, restoring a version */
} FbHistoryMoment;

gboolean     _fb_store_history_keep          (FbStore          *self,
                                              const FbStoreRow *before,
                                              FbHistoryMoment   moment,
                                              GError          **error);
/* Keeps @body (the server's side of a conflict) as a version of @id. */
gboolean     _fb_store_history_keep_body     (FbStore          *self,
                                              const char       *id,
                                              const char       *body,
                                              int               origin,
                                              gint64            edited_at,
                                              GError          **error);
/* The body now in @id (at @local_seq) came from @origin (FbVersionOrigin). */
gboolean     _fb_store_history_set_origin    (FbStore          *self,
                                              const char       *id,
                                              int               origin,
                                              gint64            local_seq,
                                              GError          **error);
/* Drops the history and Trash entry of @id (the row is gone for good). */
gboolean     _fb_store_history_forget        (FbStore          *self,
                                              const char       *id,
                                              GError          **error);
gboolean     _fb_store_history_migrate       (FbStore          *self,
                                              GError          **error);
/* fb-attachments.c: the table of attachment files (schema v7). */
gboolean     _fb_store_attachments_migrate   (FbStore          *self,
                                              GError          **error);
/* Calls @func with the JSON text of every version the history keeps
 * (for the attachment collector); stops at its FALSE. */
typedef gboolean (*FbStoreBodyFunc) (const char *body,
                                     gpointer    user_data);
gboolean     _fb_store_history_foreach_body  (FbStore          *self,
                                              FbStoreBodyFunc   func,
                                              gpointer          user_data,
                                              GError          **error);
/* A local edit with @body exactly as given, "_attachments" included
 * (fb_store_save_local_edit () keeps the ones before): attaching and
 * removing files. History is kept as for any edit. */
gboolean     _fb_store_save_local_attachments (FbStore          *self,
                                               const FbStoreRow *before,
                                               const char       *body,
                                               GError          **error);
/* fb-store-trash.c. A tombstone about to be purged stays as a Trash entry
 * (*keep) unless the person deleted it for good. */
gboolean     _fb_store_trash_keeps           (FbStore          *self,
                                              const FbStoreRow *before,
                                              gboolean         *keep,
                                              GError          **error);
gboolean     _fb_store_trash_add             (FbStore          *self,
                                              const char       *id,
                                              GError          **error);
gboolean     _fb_store_trash_remove          (FbStore          *self,
                                              const char       *id,
                                              GError          **error);

/* Shared by the store's own files: one class over several files (see the
 * comment at the top of each for what it owns). */

/* fb-store-statements.c: the statement cache, stepping, SQLite errors in
 * words. */
gboolean     _fb_store_exec_cached           (FbStore          *self,
                                              const char       *sql,
                                              GError          **error);
/* The same with ?1 bound to @id (nullable: none). */
gboolean     _fb_store_exec_cached_for_id    (FbStore          *self,
                                              const char       *sql,
                                              const char       *id,
                                              GError          **error);
gboolean     _fb_store_exec_once             (FbStore          *self,
                                              const char       *sql,
                                              GError          **error);
/* fb-store-schema.c: the items table has @column already, as a file made
 * by a later build and set back to an older version (as the migration
 * tests do) has; a migration that adds one checks first. */
gboolean     _fb_store_has_column            (FbStore          *self,
                                              const char       *column,
                                              gboolean         *has_column,
                                              GError          **error);
gboolean     _fb_store_set_not_found         (GError          **error,
                                              const char       *id);

/* fb-store-rows.c: reading and writing one row of the items table, the
 * edit counter and the pending/conflict counts. */
void         _fb_store_row_copy              (const FbStoreRow  *src,
                                              FbStoreRow        *dest);
void         _fb_store_set_string            (char            **field,
                                              const char       *value);
char        *_fb_store_column_dup            (sqlite3_stmt     *stmt,
                                              int               col);
/* The values of a statement positioned on a row selected with
 * FB_ITEM_COLUMNS, into @row (cleared). The one decoder of a row. */
void         _fb_store_row_from_stmt         (sqlite3_stmt     *stmt,
                                              FbStoreRow       *row);
gboolean     _fb_store_load_existing_row     (FbStore          *self,
                                              const char       *id,
                                              FbStoreRow       *row,
                                              GError          **error);
gboolean     _fb_store_load_live_row         (FbStore          *self,
                                              const char       *id,
                                              FbStoreRow       *row,
                                              GError          **error);
gboolean     _fb_store_next_local_seq        (FbStore          *self,
                                              gint64           *seq,
                                              GError          **error);
gboolean     _fb_store_load_counts           (FbStore          *self,
                                              guint            *pending,
                                              guint            *conflict,
                                              GError          **error);
void         _fb_store_reload_live_counts    (FbStore          *self);
/* Writes @after (inserting it if @before is NULL), keeps the full-text
 * index and the counts in step, and queues the new snapshot. */
gboolean     _fb_store_save_row              (FbStore           *self,
                                              const FbStoreRow  *before,
                                              FbStoreRow        *after,
                                              FbStoreChangeOrigin origin,
                                              GError           **error);
/* The server has the deletion (as @rev): a synced tombstone in the Trash,
 * or gone for good. */
gboolean     _fb_store_purge_row             (FbStore           *self,
                                              const FbStoreRow  *before,
                                              const char        *rev,
                                              FbStoreChangeOrigin origin,
                                              GError           **error);
/* A change the person made: a new local_seq, pending. @body_object, when
 * not NULL, is @body parsed (the object it was written from): the index
 * takes its text from there instead of parsing @body again. */
gboolean     _fb_store_save_local_edit       (FbStore           *self,
                                              const FbStoreRow  *before,
                                              const char        *body,
                                              JsonObject        *body_object,
                                              gboolean           deleted,
                                              GError           **error);
gboolean     _fb_store_insert_new_item       (FbStore          *self,
                                              const char       *id,
                                              const char       *collection,
                                              const char       *body,
                                              JsonObject       *body_object,
                                              GError          **error);
/* A new entry for the bytes @entry names, which a push uploads (content
 * type, length and digest; no stub, revpos or sealed members), or NULL
 * when their file is not here. */
JsonObject  *_fb_store_entry_to_upload       (FbStore          *self,
                                              JsonObject       *entry);
/* A new item with a copy of another's @body (Keep Both, Duplicate; @body
 * is changed): its attachments are those whose file is here, to upload;
 * @n_left_out (nullable) gets how many were not, their data being only on
 * the server. */
gboolean     _fb_store_insert_copy           (FbStore          *self,
                                              const char       *id,
                                              const char       *collection,
                                              JsonObject       *body,
                                              guint            *n_left_out,
                                              GError          **error);
gboolean     _fb_store_check_collection      (const char       *collection,
                                              GError          **error);
gboolean     _fb_store_check_id              (const char       *id,
                                              GError          **error);
/* TRUE if the two bodies (JSON text) say the same. */
gboolean     _fb_store_body_json_equal       (const char       *a,
                                              const char       *b);
/* Every row of a bound statement selecting FB_ITEM_COLUMNS (and a rank
 * after them when @ranks is set). */
GPtrArray   *_fb_store_collect_items         (FbStore          *self,
                                              sqlite3_stmt     *stmt,
                                              GArray           *ranks,
                                              GError          **error);

/* fb-store-index.c: the full-text index and search. Updates wait in a
 * queue for the outermost commit (see _fb_store_index_queue ()). */
/* An empty queue of index updates (FbStore:index_queue). */
GArray      *_fb_store_index_queue_new       (void);
gboolean     _fb_store_index_row             (FbStore          *self,
                                              gint64            rowid,
                                              const char       *body_json,
                                              gboolean          deleted,
                                              GError          **error);
void         _fb_store_index_queue           (FbStore          *self,
                                              gint64            rowid,
                                              const char       *body_json,
                                              JsonObject       *body,
                                              gboolean          deleted,
                                              gboolean          remove);
gboolean     _fb_store_index_queue_flush     (FbStore          *self,
                                              gboolean          keep,
                                              GError          **error);
/* fb_store_commit () of a savepoint and fb_store_rollback (), while
 * self->depth is still the level's own. */
void         _fb_store_index_queue_release   (FbStore          *self);
void         _fb_store_index_queue_rollback  (FbStore          *self,
                                              guint             mark);
/* At the outermost level, between writes: writes the queued index updates
 * now, so that a long transaction (an import) holds no more than a batch
 * of them. Does nothing inside a savepoint. */
gboolean     _fb_store_index_queue_drain     (FbStore          *self,
                                              GError          **error);
char        *_fb_store_build_match_expression(const char       *query);
/* Merges the index's segments from an idle callback until none are left to
 * merge (commits leave them: the index is created with automerge = 0). */
void         _fb_store_index_merge_later     (FbStore          *self);
gboolean     _fb_store_index_merge_step      (FbStore          *self,
                                              gboolean         *more,
                                              GError          **error);

/* A search's or a list's collection bound as @param: that one, or with
 * NULL every collection a person reads — notes and records, not the
 * templates (forms, not content; the export still takes them). */
#define FB_STORE_IN_COLLECTION(param) \
  "(" param " = items.collection OR (" param " IS NULL AND items.collection <> 'templates'))"

/* fb-store-tags.c: tag:NAME terms in a search. The body's "tags" array as
 * SQL json_each () can walk (an empty one when the body is not JSON or
 * has no such array, so that no row makes a query fail). */
#define FB_STORE_BODY_TAGS \
  "CASE WHEN json_valid (items.body) THEN " \
  "  CASE WHEN json_type (items.body, '$.tags') = 'array' THEN items.body " \
  "  ELSE '{\"tags\":[]}' END " \
  "ELSE '{\"tags\":[]}' END, '$.tags'"
/* The item has every tag of the JSON array bound as @param (or it is NULL). */
#define FB_STORE_HAS_TAGS(param) \
  "(" param " IS NULL OR NOT EXISTS (SELECT 1 FROM json_each (" param ") AS want " \
  "  WHERE NOT EXISTS (SELECT 1 FROM json_each (" FB_STORE_BODY_TAGS ") AS have " \
  "    WHERE have.type = 'text' AND have.value = want.value COLLATE NOCASE)))"
/* @query without its tag:NAME terms; the names in *@tags (char *, NULL
 * when there are none). */
char        *_fb_store_split_tag_terms       (const char       *query,
                                              GPtrArray       **tags);
char        *_fb_store_tags_to_json          (GPtrArray        *tags);
/* v11: the tags column and its partial index (fb-store-tags.c). */
gboolean     _fb_store_tags_migrate          (FbStore          *self,
                                              GError          **error);
/* @body has every one of @tags (NULL: none asked for). */
gboolean     _fb_store_body_has_tags         (JsonObject       *body,
                                              GPtrArray        *tags);

/* fb-store-pages.c: the live items in list order without holding them
 * all. @func returns FALSE (with @error) to stop. */
typedef gboolean (*FbStoreItemFunc) (FbItem   *item,
                                     gpointer  user_data,
                                     GError  **error);

gboolean     _fb_store_count_live            (FbStore          *self,
                                              const char       *collection,
                                              guint            *count,
                                              GError          **error);
/* A row whose body changed takes the highest rowid (*@new_rowid; @rowid
 * when it has it already). */
gboolean     _fb_store_move_to_newest        (FbStore          *self,
                                              gint64            rowid,
                                              gint64           *new_rowid,
                                              GError          **error);
/* What the lazy list holds of an item: where it is and how it sorts. */
typedef struct
{
  gint64  rowid;
  gint64  updated_at;
  char   *id;
} FbStoreKey;

void         _fb_store_key_clear             (FbStoreKey       *key);
/* The rows of a statement selecting rowid, updated_at, id, appended to
 * @keys (FbStoreKey, which owns the ids). */
gboolean     _fb_store_collect_keys          (FbStore          *self,
                                              sqlite3_stmt     *stmt,
                                              GArray           *keys,
                                              GError          **error);
/* The keys of every live item of @collection (NULL: all), newest
 * updated_at first, then id. */
gboolean     _fb_store_list_keys             (FbStore          *self,
                                              const char       *collection,
                                              GArray           *keys,
                                              GError          **error);
/* The same for one collection, row by row into @func, without holding
 * the keys: how the lazy list fills itself. */
typedef void (*FbStoreKeyFunc) (gint64      rowid,
                                gint64      updated_at,
                                const char *id,
                                gpointer    user_data);
gboolean     _fb_store_foreach_key           (FbStore          *self,
                                              const char       *collection,
                                              FbStoreKeyFunc    func,
                                              gpointer          user_data,
                                              GError          **error);
/* fb-item-sort.c: schema v9 (the pinned and sort_title columns and their
 * index), and the keys of the other orders of the lazy list. */
gboolean     _fb_store_sort_migrate          (FbStore          *self,
                                              GError          **error);
/* Adds the rowid (gint64 *, g_free) of every pinned live item of
 * @collection to @rowids. */
gboolean     _fb_store_collect_pinned        (FbStore          *self,
                                              const char       *collection,
                                              GHashTable       *rowids,
                                              GError          **error);
typedef struct
{
  gint64      rowid;
  const char *id;
  gint64      updated_at;
  gint64      created_at;
  gboolean    pinned;
  const char *title;       /* the body's, nullable */
} FbStoreSortKey;
typedef void (*FbStoreSortKeyFunc) (const FbStoreSortKey *key,
                                    gpointer              user_data);
/* Every live item of @collection, pinned ones first, in no other order. */
gboolean     _fb_store_foreach_sort_key      (FbStore          *self,
                                              const char       *collection,
                                              FbStoreSortKeyFunc func,
                                              gpointer          user_data,
                                              GError          **error);
/* The items with these rowids that are still there, in any order. */
GPtrArray   *_fb_store_load_rowids           (FbStore          *self,
                                              const gint64     *rowids,
                                              guint             n_rowids,
                                              GError          **error);
/* Every live item of @collection (NULL: each collection in turn), newest
 * first, one row in memory at a time. */
gboolean     _fb_store_foreach_live_item     (FbStore          *self,
                                              const char       *collection,
                                              FbStoreItemFunc   func,
                                              gpointer          user_data,
                                              GError          **error);

/* fb-store-sync.c: sync-facing writes, what is in flight, meta. */
gboolean     _fb_store_clear_in_flight       (FbStore          *self,
                                              const char       *id,
                                              gint64            up_to_seq,
                                              GError          **error);
char        *_fb_store_read_meta             (FbStore          *self,
                                              const char       *key,
                                              GError          **error);
gboolean     _fb_store_write_meta            (FbStore          *self,
                                              const char       *key,
                                              const char       *value,
                                              GError          **error);

/* fb-store-schema.c: the schema and its stepwise migrations. */
gboolean     _fb_store_check_schema          (FbStore          *self,
                                              gint64           *version,
                                              GError          **error);
gboolean     _fb_store_migrate               (FbStore          *self,
                                              gint64            version,
                                              GError          **error);

/* fb-store-open.c: opening the file (writable, or for reading only) and
 * the WAL checkpoints on a worker thread. */
gboolean     _fb_store_open_database         (FbStore          *self,
                                              GError          **error);
gboolean     _fb_store_open_writable         (FbStore          *self,
                                              GError          **error);
gboolean     _fb_store_open_read_only        (FbStore          *self,
                                              GError          **error);
void         _fb_store_close_database        (FbStore          *self);
void         _fb_store_checkpoint_wait       (FbStore          *self);

/* Opening read-only (fb-store-read-only.c). The URI SQLite opens @path
 * with for reading only; with @immutable, without the WAL or locks. */
char        *_fb_store_read_only_uri         (const char       *path,
                                              gboolean          immutable);
/* TRUE if @path has no WAL file or one without transactions. */
gboolean     _fb_store_wal_is_empty          (const char       *path);
gboolean     _fb_store_shm_exists            (const char       *path);
/* FB_STORE_ERROR_READ_ONLY in words: the disk is full, or @path cannot
 * be written to. */
void         _fb_store_set_read_only_error   (GError          **error,
                                              const char       *path,
                                              gboolean          disk_full);

/* Test hooks. */
sqlite3     *_fb_store_get_db                (FbStore          *self);
void         _fb_store_set_clock             (FbStore          *self,
                                              FbStoreClockFunc  func,
                                              gpointer          user_data);
void         _fb_store_set_busy_timeout      (FbStore          *self,
                                              guint             ms);
/* The busy timeout of stores opened afterwards (default 5000 ms). */
void         _fb_store_set_default_busy_timeout (guint          ms);

/* Binds @text, or NULL as SQL NULL. */
static inline void
bind_text (sqlite3_stmt *stmt,
           int           col,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, col, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, col);
}

G_END_DECLS
