/* fb-store-index.c: full-text index and search of the local store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include "fb-store-private.h"

/* Owns the items_fts table: what each row puts in it (CJK split per
 * character), the queue of index updates written at the outermost commit,
 * and searching (the FTS5 query a person's words become, ranks). */

/* ---- Full-text index ---- */

/* unicode61 keeps a run of Han, kana or Hangul as one token, so "京都" would
 * not find "東京都庁". Each such character becomes a token of its own, and a
 * query becomes a phrase of characters: any substring is found. */
static gboolean
is_cjk (gunichar c)
{
  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
    case G_UNICODE_SCRIPT_HANGUL:
    case G_UNICODE_SCRIPT_BOPOMOFO:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The first character that can be CJK is U+1100 (Hangul Jamo): text whose
 * bytes are all below 0xE1 (the lead byte of U+1000…U+1FFF) has none. */
static gboolean
may_contain_cjk (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if (*p >= 0xE1)
      return TRUE;

  return FALSE;
}

static void
append_for_index (GString    *out,
                  const char *text)
{
  const char *p;
  gsize len = 0;

  if (text == NULL)
    return;

  /* Plain ASCII (most text) is valid UTF-8 and holds no CJK: one pass. */
  while (text[len] != '\0' && (guchar) text[len] < 0x80)
    len++;
  if (text[len] == '\0')
    {
      g_string_append_len (out, text, len);
      return;
    }

  if (!g_utf8_validate (text, -1, NULL))
    return;

  if (!may_contain_cjk (text))
    {
      g_string_append (out, text);
      return;
    }

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_cjk (c))
        {
          g_string_append_c (out, ' ');
          g_string_append_unichar (out, c);
          g_string_append_c (out, ' ');
        }
      else
        {
          g_string_append_unichar (out, c);
        }
    }
}

static void
append_node_for_index (GString  *out,
                       JsonNode *node)
{
  if (node == NULL)
    return;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        append_for_index (out, json_node_get_string (node));
      else if (type == G_TYPE_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      else if (type == G_TYPE_DOUBLE)
        g_string_append_printf (out, "%g", json_node_get_double (node));
      else
        return;
      g_string_append_c (out, '\n');
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        append_node_for_index (out, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *member;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &member, &value))
        append_node_for_index (out, value);
    }
}

static char *
index_text_of (JsonObject *body,
               const char *member)
{
  GString *out = g_string_new (NULL);

  append_for_index (out, fb_body_get_string (body, member));

  return g_string_free (out, FALSE);
}

/* One change to the full-text index: what a row puts in it, or (@remove)
 * what it put there and takes back out. */
typedef struct
{
  gint64   rowid;
  char    *title;
  char    *text;
  char    *extra;
  gboolean remove;
  /* The transaction depth at which it was written ahead of the commit (a
   * search inside the transaction), 0 while it waits. */
  guint    written;
} IndexEntry;

static void
index_entry_clear (IndexEntry *entry)
{
  g_clear_pointer (&entry->title, g_free);
  g_clear_pointer (&entry->text, g_free);
  g_clear_pointer (&entry->extra, g_free);
}

GArray *
_fb_store_index_queue_new (void)
{
  GArray *queue = g_array_new (FALSE, FALSE, sizeof (IndexEntry));

  g_array_set_clear_func (queue, (GDestroyNotify) index_entry_clear);

  return queue;
}

/* Fills @entry from @body (parsed from @body_json when NULL); FALSE when
 * the row puts nothing in the index (deleted, or an unreadable body). */
static gboolean
index_entry_init (IndexEntry  *entry,
                  gint64       rowid,
                  const char  *body_json,
                  JsonObject  *body,
                  gboolean     deleted,
                  gboolean     remove)
{
  g_autoptr(JsonObject) parsed = NULL;
  GString *extra;

  memset (entry, 0, sizeof *entry);
  entry->rowid = rowid;
  entry->remove = remove;

  if (deleted)
    return FALSE;
  if (body == NULL && body_json != NULL)
    body = parsed = fb_body_from_string (body_json, NULL);
  if (body == NULL)
    return FALSE;

  entry->title = index_text_of (body, "title");
  entry->text = index_text_of (body, "text");
  extra = g_string_new (NULL);
  append_node_for_index (extra, json_object_get_member (body, "fields"));
  append_node_for_index (extra, json_object_get_member (body, "tags"));
  entry->extra = g_string_free (extra, FALSE);

  return TRUE;
}

/* The index is contentless (schema v8): it keeps no copy of the text, so
 * taking a row out means handing FTS5 the very text that row put in, which
 * index_entry_init () derives again from the row's stored body. */
static gboolean
index_entry_write (FbStore           *self,
                   const IndexEntry  *entry,
                   GError           **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  if (entry->remove)
    stmt = _fb_store_get_stmt (self,
                               "INSERT INTO items_fts (items_fts, rowid, title, text, extra) "
                               "VALUES ('delete', ?1, ?2, ?3, ?4)",
                               error);
  else
    stmt = _fb_store_get_stmt (self,
                               "INSERT INTO items_fts (rowid, title, text, extra) "
                               "VALUES (?1, ?2, ?3, ?4)",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry->rowid);
  sqlite3_bind_text (stmt, 2, entry->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, entry->text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, entry->extra, -1, SQLITE_STATIC);

  return _fb_store_step_done (self, stmt, error);
}

/* Indexes one row now (migrations). */
gboolean
_fb_store_index_row (FbStore     *self,
                     gint64       rowid,
                     const char  *body_json,
                     gboolean     deleted,
                     GError     **error)
{
  IndexEntry entry;
  gboolean ok = TRUE;

  if (index_entry_init (&entry, rowid, body_json, NULL, deleted, FALSE))
    ok = index_entry_write (self, &entry, error);
  index_entry_clear (&entry);

  return ok;
}

/* Inside a transaction, index updates wait for the outermost commit and
 * are written there in one go, outside every savepoint: FTS5 (before
 * SQLite 3.44) writes its pending terms to disk at each savepoint, so
 * indexing inside each write's own savepoint made every write flush a
 * tiny index segment. An entry is queued only once its write succeeded,
 * and a rolled back level drops its own entries, like the snapshots.
 * @body_json/@body is what the row at @rowid holds (@deleted: nothing in
 * the index); @remove takes it out of the index, else it goes in. */
void
_fb_store_index_queue (FbStore     *self,
                       gint64       rowid,
                       const char  *body_json,
                       JsonObject  *body,
                       gboolean     deleted,
                       gboolean     remove)
{
  IndexEntry entry;

  g_assert (self->depth > 0);

  if (index_entry_init (&entry, rowid, body_json, body, deleted, remove))
    g_array_append_val (self->index_queue, entry);
  else
    index_entry_clear (&entry);
}

/* Writes the queued index updates not written yet; with @keep (a search
 * inside the transaction) they stay queued, marked with the depth they
 * were written at, in case a savepoint rolls that write back. */
gboolean
_fb_store_index_queue_flush (FbStore  *self,
                             gboolean  keep,
                             GError  **error)
{
  for (guint i = 0; i < self->index_queue->len; i++)
    {
      IndexEntry *entry = &g_array_index (self->index_queue, IndexEntry, i);

      if (entry->written > 0)
        continue;
      if (!index_entry_write (self, entry, error))
        return FALSE;
      entry->written = self->depth;
    }

  if (!keep)
    {
      if (self->index_queue->len > 0)
        _fb_store_index_merge_later (self);
      g_array_set_size (self->index_queue, 0);
    }

  return TRUE;
}

/* ---- Merging the index while idle ----
 *
 * Each commit that touches the index writes its terms as a new segment.
 * FTS5's automerge then merged segments inside that same commit, a share
 * of work that grows with the index (64 pages per level for every 64
 * written): 3.2M instructions a save at 100,000 notes against 1.4M at
 * 1,000. The index is created with automerge = 0 (schema v10), so a commit
 * writes its segment and nothing more; the merging happens here, between
 * frames once the index was left alone for a second, in steps of MERGE_PAGES (at 100,000 notes here 1.2 ms of CPU
 * each, 6 ms at the 99th percentile), each its own short transaction, and
 * merges levels holding usermerge (4) segments or more, the shape automerge
 * kept. Searches are exact at every point: a segment not merged
 * yet is read like any other. Without idle time (a long import) FTS5's
 * crisismerge (16 segments on a level) still bounds their number. */
#define MERGE_PAGES 16

gboolean
_fb_store_index_merge_step (FbStore   *self,
                            gboolean  *more,
                            GError   **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  sqlite3_int64 before;
  gboolean ok;

  *more = FALSE;
  stmt = _fb_store_get_stmt (self,
                             "INSERT INTO items_fts (items_fts, rank) "
                             "VALUES ('merge', " G_STRINGIFY (MERGE_PAGES) ")",
                             error);
  if (stmt == NULL)
    return FALSE;

  /* Idle work never waits for another program's write lock. */
  sqlite3_busy_timeout (self->db, 0);
  before = sqlite3_total_changes64 (self->db);
  ok = _fb_store_step_done (self, stmt, error);
  /* FTS5's documented test: it merged something if the count moved by 2. */
  *more = ok && sqlite3_total_changes64 (self->db) - before >= 2;
  sqlite3_busy_timeout (self->db, (int) self->busy_timeout);

  return ok;
}

static gboolean
merge_idle_cb (gpointer user_data)
{
  FbStore *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean more;

  /* A transaction open across the main loop: its commit asks again. */
  if (self->depth > 0 || self->read_only != NULL)
    {
      g_clear_pointer (&self->merge_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }

  if (!_fb_store_index_merge_step (self, &more, &error))
    {
      /* Busy or failed: the segments stay as they are, every search still
       * exact; the next commit tries again. */
      g_debug ("Index merge put off: %s", error->message);
      more = FALSE;
    }

  if (!more)
    g_clear_pointer (&self->merge_source, g_source_unref);

  return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Once no commit touched the index for MERGE_QUIET_MS, the steps run
 * whenever the main loop is idle. Merging between the batches of a pull
 * made it wait (10,000 documents: 1.1–1.5 s against 0.9 s without). */
#define MERGE_QUIET_MS 1000

static gboolean
merge_quiet_cb (gpointer user_data)
{
  FbStore *self = user_data;
  GMainContext *context = g_source_get_context (self->merge_source);

  /* This timer's own reference goes; the context holds it while it runs. */
  g_source_unref (self->merge_source);
  self->merge_source = g_idle_source_new ();
  /* Below GTK's relayout and redraw (G_PRIORITY_HIGH_IDLE + 10 and + 20). */
  g_source_set_priority (self->merge_source, G_PRIORITY_LOW);
  g_source_set_callback (self->merge_source, merge_idle_cb, self, NULL);
  g_source_set_static_name (self->merge_source, "[fieldbook] index merge");
  g_source_attach (self->merge_source, context);

  return G_SOURCE_REMOVE;
}

/* On the main context of the thread that commits. A store opened on a
 * worker (an import, the window's export) has none of its own, and the
 * default context belongs to the main loop running elsewhere: it merges
 * nothing (crisismerge bounds its segments), since the callback would run
 * on the other thread. Each commit starts the quiet period again. */
void
_fb_store_index_merge_later (FbStore *self)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  if (!g_main_context_acquire (context))
    return;

  if (self->merge_source != NULL)
    {
      g_source_destroy (self->merge_source);
      g_clear_pointer (&self->merge_source, g_source_unref);
    }
  self->merge_source = g_timeout_source_new (MERGE_QUIET_MS);
  g_source_set_priority (self->merge_source, G_PRIORITY_LOW);
  g_source_set_callback (self->merge_source, merge_quiet_cb, self, NULL);
  g_source_set_static_name (self->merge_source, "[fieldbook] index merge, waiting");
  g_source_attach (self->merge_source, context);
  g_main_context_release (context);
}

/* A savepoint at @depth was released: what was written inside it now
 * belongs to the level around it. */
void
_fb_store_index_queue_release (FbStore *self)
{
  for (guint i = 0; i < self->index_queue->len; i++)
    {
      IndexEntry *entry = &g_array_index (self->index_queue, IndexEntry, i);

      if (entry->written >= self->depth)
        entry->written = self->depth - 1;
    }
}

/* The level at @depth was rolled back: its own entries go, and SQLite
 * undid every index write made inside it, so older entries written there
 * wait again. */
void
_fb_store_index_queue_rollback (FbStore *self,
                                guint    mark)
{
  g_array_set_size (self->index_queue, MIN (mark, self->index_queue->len));

  for (guint i = 0; i < self->index_queue->len; i++)
    {
      IndexEntry *entry = &g_array_index (self->index_queue, IndexEntry, i);

      if (entry->written >= self->depth)
        entry->written = 0;
    }
}

gboolean
_fb_store_index_queue_drain (FbStore  *self,
                             GError  **error)
{
  if (self->depth != 1)
    return TRUE;

  return _fb_store_index_queue_flush (self, FALSE, error);
}

/* Before a search inside a transaction. */
static void
index_queue_flush_early (FbStore *self)
{
  g_autoptr(GError) error = NULL;

  if (self->depth == 0 || self->index_queue->len == 0 || self->broken != NULL)
    return;

  if (!_fb_store_index_queue_flush (self, TRUE, &error))
    g_warning ("Could not update the search index: %s", error->message);
}

gboolean
_fb_store_query_is_blank (const char *query)
{
  if (query == NULL)
    return TRUE;

  for (const char *p = query; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

static gboolean
has_word_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

/* What a person typed, as FTS5 syntax that cannot fail to parse: each word
 * a quoted phrase (quotes doubled) matched as a prefix, all words required.
 * NULL when nothing searchable is left. */
char *
_fb_store_build_match_expression (const char *query)
{
  g_auto(GStrv) words = NULL;
  GString *match = g_string_new (NULL);
  g_autofree char *spaced = NULL;

  if (query == NULL || !g_utf8_validate (query, -1, NULL))
    return g_string_free (match, TRUE);

  words = g_strsplit_set (query, " \t\n\r\f\v", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr(GString) word = NULL;

      if (!has_word_characters (words[i]))
        continue;

      word = g_string_new (NULL);
      append_for_index (word, words[i]);
      g_string_replace (word, "\"", "\"\"", 0);

      if (match->len > 0)
        g_string_append_c (match, ' ');
      g_string_append_printf (match, "\"%s\"*", word->str);
    }

  if (match->len == 0)
    return g_string_free (match, TRUE);

  return g_string_free (match, FALSE);
}

/* Search order: the most recently written first. The index's rowids are
 * the items' rowids, and a new body moves its item to the highest one
 * (_fb_store_move_to_newest ()), so FTS5 walks the matches from the newest
 * end and stops after the first screenful: well under a millisecond for a
 * word in every one of 100,000 notes, where bm25 () had to score every
 * match first (2.2 s) and was then sorted. The note a person is looking
 * for is most often one they wrote or changed lately; and a search ordered
 * like that can show its first screenful at once and fetch the rest while
 * the person reads. A result's rank is minus its rowid (lower first). */
#define SEARCH_FROM \
  "FROM items_fts JOIN items ON items.rowid = items_fts.rowid " \
  "WHERE items_fts MATCH ?1 AND items.deleted = 0 " \
  "  AND " FB_STORE_IN_COLLECTION ("?2") " AND items_fts.rowid < ?3 " \
  "  AND " FB_STORE_HAS_TAGS ("?5") " " \
  "ORDER BY items_fts.rowid DESC LIMIT ?4"
/* A search of tag:NAME terms only (fb-store-tags.c), in the same order. */
#define TAGS_FROM \
  "FROM items WHERE items.deleted = 0 " \
  "  AND " FB_STORE_IN_COLLECTION ("?2") " AND items.rowid < ?3 " \
  "  AND " FB_STORE_HAS_TAGS ("?5") " " \
  "ORDER BY items.rowid DESC LIMIT ?4"

/* What a query asks for: FTS5 words (NULL: none) and tags (NULL: none). */
typedef struct
{
  char      *match;
  GPtrArray *tags;
} SearchTerms;

static void
search_terms_clear (SearchTerms *terms)
{
  g_clear_pointer (&terms->match, g_free);
  g_clear_pointer (&terms->tags, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SearchTerms, search_terms_clear)

/* FALSE when @query has nothing to search. */
static gboolean
search_terms_init (SearchTerms *terms,
                   const char  *query)
{
  g_autofree char *words = _fb_store_split_tag_terms (query, &terms->tags);

  terms->match = _fb_store_build_match_expression (words);

  return terms->match != NULL || terms->tags != NULL;
}

/* The search statement selecting @columns, bound; NULL with @error unset
 * when @query has nothing to search. */
static FbCachedStmt *
prepare_search (FbStore     *self,
                const char  *columns,
                const char  *collection,
                const char  *query,
                gint64       before_rowid,
                guint        limit,
                GError     **error)
{
  g_auto(SearchTerms) terms = { NULL, NULL };
  g_autofree char *sql = NULL;
  FbCachedStmt *stmt;

  if (!search_terms_init (&terms, query))
    return NULL;

  index_queue_flush_early (self);
  sql = g_strconcat ("SELECT ", columns, " ", terms.match != NULL ? SEARCH_FROM : TAGS_FROM, NULL);
  stmt = _fb_store_get_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, terms.match);
  bind_text (stmt, 2, collection);
  sqlite3_bind_int64 (stmt, 3, before_rowid);
  sqlite3_bind_int64 (stmt, 4, limit > 0 ? (gint64) limit : -1);
  if (terms.tags != NULL)
    sqlite3_bind_text (stmt, 5, _fb_store_tags_to_json (terms.tags), -1, g_free);

  return stmt;
}

gboolean
_fb_store_search_keys (FbStore     *self,
                       const char  *collection,
                       const char  *query,
                       gint64       before_rowid,
                       guint        limit,
                       GArray      *keys,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = prepare_search (self, "items.rowid, items.updated_at, items.id", collection, query,
                         before_rowid, limit, &local_error);
  if (stmt == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return _fb_store_collect_keys (self, stmt, keys, error);
}

GPtrArray *
fb_store_search_first (FbStore     *self,
                       const char  *collection,
                       const char  *query,
                       guint        limit,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (_fb_store_query_is_blank (query))
    {
      g_autoptr(GPtrArray) items = fb_store_list_items (self, collection, error);

      for (guint i = items != NULL && collection == NULL ? items->len : 0; i > 0; i--)
        if (g_strcmp0 (fb_item_get_collection (items->pdata[i - 1]), FB_COLLECTION_TEMPLATES) == 0)
          g_ptr_array_remove_index (items, i - 1);
      if (items != NULL && limit > 0 && items->len > limit)
        g_ptr_array_set_size (items, limit);
      return g_steal_pointer (&items);
    }

  stmt = prepare_search (self, FB_ITEM_COLUMNS, collection, query, G_MAXINT64, limit,
                         &local_error);
  if (stmt == NULL)
    {
      if (local_error == NULL)
        return g_ptr_array_new_with_free_func (g_object_unref);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return _fb_store_collect_items (self, stmt, NULL, error);
}

GPtrArray *
fb_store_search (FbStore     *self,
                 const char  *collection,
                 const char  *query,
                 GError     **error)
{
  return fb_store_search_first (self, collection, query, 0, error);
}

gboolean
_fb_store_match_item (FbStore    *self,
                      FbItem     *item,
                      const char *query,
                      double     *rank)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_auto(SearchTerms) terms = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  gboolean found;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (FB_IS_ITEM (item), FALSE);

  if (fb_item_get_deleted (item))
    return FALSE;

  index_queue_flush_early (self);
  if (!search_terms_init (&terms, query) ||
      !_fb_store_body_has_tags (fb_item_get_body (item), terms.tags))
    return FALSE;

  if (terms.match != NULL)
    {
      stmt = _fb_store_get_stmt (self,
                                 "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 AND rowid = ?2",
                                 &error);
      if (stmt == NULL)
        {
          g_warning ("Could not search: %s", error->message);
          return FALSE;
        }
      bind_text (stmt, 1, terms.match);
      sqlite3_bind_int64 (stmt, 2, _fb_item_get_rowid (item));
      if (!_fb_store_step_row (self, stmt, &found, &error))
        {
          g_warning ("Could not search: %s", error->message);
          return FALSE;
        }
      if (!found)
        return FALSE;
    }

  if (rank != NULL)
    *rank = -(double) _fb_item_get_rowid (item);

  return TRUE;
}

static void
add_rank (GHashTable *ranks,
          gint64      rowid)
{
  gint64 *key = g_new (gint64, 1);
  double *value = g_new (double, 1);

  *key = rowid;
  *value = -(double) rowid;
  g_hash_table_insert (ranks, key, value);
}

/* Changed items have the newest rowids: one walk of the matches down to
 * the lowest of them answers for all. */
GHashTable *
_fb_store_match_items (FbStore    *self,
                       const char *query,
                       GPtrArray  *items)
{
  g_autoptr(GHashTable) ranks = NULL;
  g_autoptr(GHashTable) wanted = NULL;
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SearchTerms) terms = { NULL, NULL };
  gint64 lowest = G_MAXINT64;
  int rc;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (items != NULL, NULL);

  ranks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  index_queue_flush_early (self);
  if (!search_terms_init (&terms, query) || items->len == 0)
    return g_steal_pointer (&ranks);

  wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < items->len; i++)
    {
      FbItem *item = g_ptr_array_index (items, i);
      gint64 *rowid;

      if (!_fb_store_body_has_tags (fb_item_get_body (item), terms.tags))
        continue;
      if (terms.match == NULL)
        {
          add_rank (ranks, _fb_item_get_rowid (item));
          continue;
        }

      rowid = g_new (gint64, 1);
      *rowid = _fb_item_get_rowid (item);
      lowest = MIN (lowest, *rowid);
      g_hash_table_add (wanted, rowid);
    }
  if (g_hash_table_size (wanted) == 0)
    return g_steal_pointer (&ranks);

  stmt = _fb_store_get_stmt (self,
                             "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 AND rowid >= ?2",
                             &error);
  if (stmt == NULL)
    {
      g_warning ("Could not search: %s", error->message);
      return g_steal_pointer (&ranks);
    }
  bind_text (stmt, 1, terms.match);
  sqlite3_bind_int64 (stmt, 2, lowest);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      if (g_hash_table_contains (wanted, &rowid))
        add_rank (ranks, rowid);
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, &error, rc);
      g_warning ("Could not search: %s", error->message);
    }

  return g_steal_pointer (&ranks);
}
