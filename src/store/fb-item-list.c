/* fb-item-list.c: a GListModel of one collection that follows the store edit by edit */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include "fb-item-list.h"
#include "fb-record-query.h"
#include "fb-store-private.h"

/* Lazy: the model holds a small key per item (rowid, id, how it sorts)
 * and makes FbItem snapshots only for the rows a view asks for, a page at
 * a time, keeping the last CACHE_SIZE of them. A search shows its first
 * FIRST_PAGE results at once and fetches the rest in pages while idle; a
 * new search cancels that. */
#define PAGE_SIZE  64
#define CACHE_SIZE 512
#define FIRST_PAGE 100
#define MORE_PAGE  2000

/* One row of the model. The rank is the search rank the item had when it
 * entered the list: other rows keep theirs when one item changes, so a
 * change moves only that item. The time it sorts by is its updated_at
 * then, and moves on only with an edit made here: a change from elsewhere
 * (a pull, a conflict, a resolution) updates the row where it is, so the
 * list does not re-sort under the person's pointer or selection. */
typedef struct
{
  gint64      rowid;       /* where the item is now: a new body moves it */
  double      rank;
  gint64      sort_time;   /* updated_at, or created_at when sorting by it */
  FbItem     *item;        /* the snapshot, while in the cache */
  FbRecordKey *key;        /* with a record query, what the row sorts by */
  GList       cache_link;  /* in FbItemList:cache while @item is set */
  const char *title_key;   /* sorting by title: after @id, in its allocation */
  gboolean    pinned;      /* never while searching */
  char        id[];        /* one allocation per row, 100,000 of them */
} Entry;

struct _FbItemList
{
  GObject     parent_instance;

  FbStore    *store;
  char       *collection;
  char       *search;      /* NULL when not searching */
  /* A records table's rows and order (NULL: the list's own); the search
   * then only filters, and ranks are 0. */
  FbRecordQuery *query;
  FbItemSort  sort;

  GPtrArray  *entries;     /* Entry *, in model order */
  GHashTable *by_id;       /* id (owned by the entry) → Entry * */
  GQueue      cache;       /* entries with a snapshot, most recently used first */
  gulong      changed_id;

  /* A search whose later results are still being fetched, below this
   * rowid. */
  guint       more_id;
  gint64      more_before;

  /* While searching: which items of the store's current announcement
   * match, worked out once for all of them (rowid → rank). */
  GHashTable *match_cache;
  guint       match_serial;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FbItemList, fb_item_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_COLLECTION,
  PROP_SEARCH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* @title_key: fb_item_sort_title_key (), NULL unless sorting by title. */
static Entry *
entry_new (gint64      rowid,
           const char *id,
           gint64      sort_time,
           double      rank,
           gboolean    pinned,
           const char *title_key)
{
  gsize len = strlen (id);
  gsize key_len = title_key != NULL ? strlen (title_key) + 1 : 0;
  Entry *entry = g_malloc (sizeof (Entry) + len + 1 + key_len);

  entry->rowid = rowid;
  entry->rank = rank;
  entry->sort_time = sort_time;
  entry->item = NULL;
  entry->key = NULL;
  entry->cache_link.data = entry;
  entry->cache_link.prev = entry->cache_link.next = NULL;
  entry->pinned = pinned;
  memcpy (entry->id, id, len + 1);
  entry->title_key = NULL;
  if (title_key != NULL)
    entry->title_key = memcpy (entry->id + len + 1, title_key, key_len);

  return entry;
}

/* The entry of @item as the list sorts it now. */
static Entry *
entry_new_for_item (FbItemList *self,
                    FbItem     *item,
                    double      rank)
{
  g_autofree char *title_key = NULL;
  gint64 sort_time;
  Entry *entry;

  if (self->query != NULL)
    {
      entry = entry_new (_fb_item_get_rowid (item), fb_item_get_id (item),
                         fb_item_get_updated_at (item), 0.0, FALSE, NULL);
      entry->key = _fb_record_key_new_from_body (self->query, fb_item_get_body (item));
      return entry;
    }

  sort_time = self->sort == FB_ITEM_SORT_CREATED ? fb_item_get_created_at (item)
                                                 : fb_item_get_updated_at (item);
  if (self->search == NULL && self->sort == FB_ITEM_SORT_TITLE)
    title_key = fb_item_sort_title_key (fb_item_get_title (item));

  return entry_new (_fb_item_get_rowid (item), fb_item_get_id (item), sort_time, rank,
                    self->search == NULL && fb_item_get_pinned (item), title_key);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_object (&entry->item);
  g_free (entry->key);
  g_free (entry);
}

/* The entry leaves the cache (it is about to be freed, or evicted). */
static void
uncache (FbItemList *self,
         Entry      *entry)
{
  if (entry->item == NULL)
    return;

  g_queue_unlink (&self->cache, &entry->cache_link);
  g_clear_object (&entry->item);
}

static void
cache (FbItemList *self,
       Entry      *entry,
       FbItem     *item)
{
  if (entry->item != NULL)
    g_queue_unlink (&self->cache, &entry->cache_link);
  g_set_object (&entry->item, item);
  entry->rowid = _fb_item_get_rowid (item);
  g_queue_push_head_link (&self->cache, &entry->cache_link);

  while (self->cache.length > CACHE_SIZE)
    uncache (self, g_queue_peek_tail (&self->cache));
}

/* The order of fb_store_list_items() and of fb_store_search(): rank, then
 * newest first, then id, so no two items compare equal. Pinned items come
 * before the rest (searches have none); a title sort puts the title key
 * before the time. A record query's key comes first. */
static int
entry_compare (FbItemList  *self,
               const Entry *a,
               const Entry *b)
{
  if (self->query != NULL)
    {
      int by_key = _fb_record_query_compare (self->query, a->key, b->key);

      if (by_key != 0)
        return by_key;
    }

  if (a->pinned != b->pinned)
    return a->pinned ? -1 : 1;

  if (a->title_key != NULL && b->title_key != NULL)
    {
      int cmp = strcmp (a->title_key, b->title_key);

      if (cmp != 0)
        return cmp;
    }

  if (a->rank < b->rank)
    return -1;
  if (a->rank > b->rank)
    return 1;

  if (a->sort_time > b->sort_time)
    return -1;
  if (a->sort_time < b->sort_time)
    return 1;

  return strcmp (a->id, b->id);
}

/* The first position whose entry does not sort before @entry. */
static guint
lower_bound (FbItemList  *self,
             const Entry *entry)
{
  guint low = 0;
  guint high = self->entries->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (entry_compare (self, g_ptr_array_index (self->entries, mid), entry) < 0)
        low = mid + 1;
      else
        high = mid;
    }

  return low;
}

/* A pull announces hundreds of items at once; asking the index about each
 * on its own would cost a full search each time. */
static gboolean
item_matches (FbItemList *self,
              FbItem     *item,
              double     *rank)
{
  GPtrArray *flushing;
  guint serial;
  gint64 rowid;
  double *found;

  flushing = _fb_store_get_flushing (self->store, &serial);
  if (flushing == NULL)
    return _fb_store_match_item (self->store, item, self->search, rank);

  if (self->match_cache == NULL || self->match_serial != serial)
    {
      g_autoptr(GPtrArray) candidates = g_ptr_array_new ();

      for (guint i = 0; i < flushing->len; i++)
        {
          FbItem *candidate = g_ptr_array_index (flushing, i);

          if (!fb_item_get_deleted (candidate) &&
              (self->collection != NULL
               ? g_strcmp0 (fb_item_get_collection (candidate), self->collection) == 0
               : g_strcmp0 (fb_item_get_collection (candidate), FB_COLLECTION_TEMPLATES) != 0))
            g_ptr_array_add (candidates, candidate);
        }

      g_clear_pointer (&self->match_cache, g_hash_table_unref);
      self->match_cache = _fb_store_match_items (self->store, self->search, candidates);
      self->match_serial = serial;
    }

  rowid = _fb_item_get_rowid (item);
  found = g_hash_table_lookup (self->match_cache, &rowid);
  if (found == NULL)
    return FALSE;

  *rank = *found;
  return TRUE;
}

static gboolean
item_belongs (FbItemList *self,
              FbItem     *item,
              double     *rank)
{
  *rank = 0.0;

  if (fb_item_get_deleted (item))
    return FALSE;
  if (self->collection != NULL &&
      g_strcmp0 (fb_item_get_collection (item), self->collection) != 0)
    return FALSE;
  if (self->collection == NULL &&
      g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_TEMPLATES) == 0)
    return FALSE;
  if (self->query != NULL && !_fb_record_query_takes (self->query, item))
    return FALSE;
  if (self->search != NULL)
    {
      if (!item_matches (self, item, rank))
        return FALSE;
      if (self->query != NULL)
        *rank = 0.0;
    }

  return TRUE;
}

static void
item_changed_cb (FbItemList *self,
                 FbItem     *item,
                 FbStore    *store)
{
  Entry *old;
  Entry *entry;
  gboolean replace;
  guint old_position = 0;
  guint position;
  double rank;
  gboolean belongs;
  gboolean keep_place = FALSE;
  gint64 old_sort_time = 0;
  double old_rank = 0.0;
  gboolean old_pinned = FALSE;
  g_autofree char *old_title_key = NULL;
  g_autofree FbRecordKey *old_key = NULL;

  old = g_hash_table_lookup (self->by_id, fb_item_get_id (item));
  belongs = item_belongs (self, item, &rank);
  replace = old != NULL;

  if (!replace && !belongs)
    return;

  if (replace)
    {
      /* Pending is the mark of an edit made here (see fb-store.h). */
      keep_place = fb_item_get_state (item) != FB_ITEM_STATE_PENDING;
      old_sort_time = old->sort_time;
      old_rank = old->rank;
      old_pinned = old->pinned;
      old_title_key = g_strdup (old->title_key);

      old_position = lower_bound (self, old);
      g_assert (g_ptr_array_index (self->entries, old_position) == old);
      old_key = g_steal_pointer (&old->key);

      g_hash_table_remove (self->by_id, old->id);
      uncache (self, old);
      g_ptr_array_remove_index (self->entries, old_position);
      old = NULL; /* freed */

      if (!belongs)
        {
          g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
          return;
        }
    }

  if (keep_place)
    {
      entry = entry_new (_fb_item_get_rowid (item), fb_item_get_id (item),
                         old_sort_time, old_rank, old_pinned, old_title_key);
      entry->key = g_steal_pointer (&old_key);
    }
  else
    entry = entry_new_for_item (self, item, rank);
  position = lower_bound (self, entry);

  /* Past the results fetched so far: the fetch brings it in its turn. */
  if (self->more_id != 0 && position == self->entries->len)
    {
      entry_free (entry);
      if (replace)
        g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
      return;
    }

  if (replace && position != old_position)
    {
      /* A move: while the removal is told, the model must not hold the
       * item yet. */
      g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
      position = lower_bound (self, entry);
      replace = FALSE;
    }

  g_ptr_array_insert (self->entries, position, entry);
  g_hash_table_insert (self->by_id, entry->id, entry);
  cache (self, entry, item);

  g_list_model_items_changed (G_LIST_MODEL (self), position, replace ? 1 : 0, 1);
}

/* Appends the entries of @keys the list does not hold yet; how many. */
static guint
append_keys (FbItemList *self,
             GArray     *keys)
{
  guint added = 0;

  for (guint i = 0; i < keys->len; i++)
    {
      FbStoreKey *key = &g_array_index (keys, FbStoreKey, i);
      Entry *entry;

      if (g_hash_table_contains (self->by_id, key->id))
        continue;
      entry = entry_new (key->rowid, key->id, key->updated_at,
                         self->search != NULL ? -(double) key->rowid : 0.0, FALSE, NULL);
      g_ptr_array_add (self->entries, entry);
      g_hash_table_insert (self->by_id, entry->id, entry);
      added++;
    }

  return added;
}

/* A row of a new unfiltered list, straight from the statement. */
static void
add_key_cb (gint64      rowid,
            gint64      updated_at,
            const char *id,
            gpointer    user_data)
{
  FbItemList *self = user_data;
  Entry *entry = entry_new (rowid, id, updated_at, 0.0, FALSE, NULL);

  g_ptr_array_add (self->entries, entry);
  g_hash_table_insert (self->by_id, entry->id, entry);
}

/* A row of a new list sorted by creation or title (fb-item-sort.c). */
static void
add_sort_key_cb (const FbStoreSortKey *key,
                 gpointer              user_data)
{
  FbItemList *self = user_data;
  g_autofree char *title_key = NULL;
  Entry *entry;

  if (self->sort == FB_ITEM_SORT_TITLE)
    title_key = fb_item_sort_title_key (key->title);
  entry = entry_new (key->rowid, key->id,
                     self->sort == FB_ITEM_SORT_CREATED ? key->created_at : key->updated_at,
                     0.0, key->pinned, title_key);
  g_ptr_array_add (self->entries, entry);
  g_hash_table_insert (self->by_id, entry->id, entry);
}

static int
entry_sort_cb (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return entry_compare (user_data, *(const Entry **) a, *(const Entry **) b);
}

/* The list by modification, in the store's order: its pinned items (found
 * in the index, without reading the others) move to the top, in order. */
static gboolean
move_pinned_up (FbItemList  *self,
                GError     **error)
{
  g_autoptr(GHashTable) pinned = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                        g_free, NULL);
  g_autoptr(GPtrArray) rest = NULL;
  guint n = 0;

  if (!_fb_store_collect_pinned (self->store, self->collection, pinned, error))
    return FALSE;
  if (g_hash_table_size (pinned) == 0)
    return TRUE;

  rest = g_ptr_array_new ();
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      entry->pinned = g_hash_table_contains (pinned, &entry->rowid);
      if (entry->pinned)
        self->entries->pdata[n++] = entry;
      else
        g_ptr_array_add (rest, entry);
    }
  memcpy (self->entries->pdata + n, rest->pdata, rest->len * sizeof (gpointer));

  return TRUE;
}

/* A row of a record query, in its order. */
static void
add_record_key_cb (gint64       rowid,
                   gint64       updated_at,
                   const char  *id,
                   FbRecordKey *key,
                   gpointer     user_data)
{
  FbItemList *self = user_data;
  Entry *entry = entry_new (rowid, id, updated_at, 0.0, FALSE, NULL);

  entry->key = key;
  g_ptr_array_add (self->entries, entry);
  g_hash_table_insert (self->by_id, entry->id, entry);
}

static GArray *
keys_new (void)
{
  GArray *keys = g_array_new (FALSE, FALSE, sizeof (FbStoreKey));

  g_array_set_clear_func (keys, (GDestroyNotify) _fb_store_key_clear);
  return keys;
}

/* Fetches the next page of a search's results; done when it was the last. */
static gboolean
fetch_more_cb (gpointer user_data)
{
  FbItemList *self = user_data;
  g_autoptr(GArray) keys = keys_new ();
  g_autoptr(GError) error = NULL;
  guint before = self->entries->len;
  guint added;

  if (!_fb_store_search_keys (self->store, self->collection, self->search, self->more_before,
                              MORE_PAGE, keys, &error))
    {
      g_warning ("Could not search: %s", error->message);
      self->more_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (keys->len > 0)
    self->more_before = g_array_index (keys, FbStoreKey, keys->len - 1).rowid;
  if (keys->len < MORE_PAGE)
    self->more_id = 0;

  added = append_keys (self, keys);
  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, added);

  return self->more_id != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
reload (FbItemList *self)
{
  g_autoptr(GArray) keys = keys_new ();
  g_autoptr(GError) error = NULL;
  guint removed = self->entries->len;
  gboolean ok;

  g_clear_handle_id (&self->more_id, g_source_remove);
  g_hash_table_remove_all (self->by_id);
  while (self->cache.head != NULL)
    uncache (self, self->cache.head->data);
  g_ptr_array_set_size (self->entries, 0);

  if (self->query != NULL)
    ok = _fb_record_query_foreach (self->query, self->store, self->search, add_record_key_cb, self,
                                   &error);
  else if (self->search != NULL)
    ok = _fb_store_search_keys (self->store, self->collection, self->search, G_MAXINT64,
                                FIRST_PAGE, keys, &error);
  else if (self->collection != NULL && self->sort == FB_ITEM_SORT_MODIFIED)
    ok = _fb_store_foreach_key (self->store, self->collection, add_key_cb, self, &error) &&
         move_pinned_up (self, &error);
  else if (self->collection != NULL)
    {
      ok = _fb_store_foreach_sort_key (self->store, self->collection, add_sort_key_cb, self,
                                       &error);
      g_ptr_array_sort_with_data (self->entries, entry_sort_cb, self);
    }
  else
    ok = _fb_store_list_keys (self->store, self->collection, keys, &error);
  if (!ok)
    g_warning ("Could not list items: %s", error->message);

  append_keys (self, keys);
  if (self->query == NULL && self->search != NULL && keys->len == FIRST_PAGE)
    {
      self->more_before = g_array_index (keys, FbStoreKey, keys->len - 1).rowid;
      self->more_id = g_idle_add_full (G_PRIORITY_LOW, fetch_more_cb, self, NULL);
    }

  if (removed > 0 || self->entries->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->entries->len);
}

/* ---- GListModel ---- */

static GType
fb_item_list_get_item_type (GListModel *model)
{
  return FB_TYPE_ITEM;
}

static guint
fb_item_list_get_n_items (GListModel *model)
{
  return FB_ITEM_LIST (model)->entries->len;
}

/* Snapshots for the page around @position that has none yet. */
static void
fetch_page (FbItemList *self,
            guint       position)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rowids[PAGE_SIZE] = { 0, };
  Entry *wanted[PAGE_SIZE] = { NULL, };
  guint start = position - position % PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, self->entries->len);
  guint n = 0;

  for (guint i = start; i < end; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->item == NULL)
        {
          wanted[n] = entry;
          rowids[n++] = entry->rowid;
        }
    }

  if (n == 0)
    return;
  items = _fb_store_load_rowids (self->store, rowids, n, &error);
  if (items == NULL)
    {
      g_warning ("Could not read items: %s", error->message);
      return;
    }

  /* At most a page each way. */
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < items->len; j++)
      if (_fb_item_get_rowid (items->pdata[j]) == rowids[i])
        {
          cache (self, wanted[i], items->pdata[j]);
          break;
        }
}

static gpointer
fb_item_list_get_item (GListModel *model,
                       guint       position)
{
  FbItemList *self = FB_ITEM_LIST (model);
  Entry *entry;

  if (position >= self->entries->len)
    return NULL;

  entry = g_ptr_array_index (self->entries, position);
  if (entry->item == NULL)
    fetch_page (self, position);
  if (entry->item == NULL)
    {
      /* Written since it was announced (inside an open transaction): by
       * its id, wherever it is now. */
      g_autoptr(FbItem) item = fb_store_get_item (self->store, entry->id, NULL);

      if (item == NULL)
        return NULL;
      cache (self, entry, item);
    }
  else
    {
      g_queue_unlink (&self->cache, &entry->cache_link);
      g_queue_push_head_link (&self->cache, &entry->cache_link);
    }

  return g_object_ref (entry->item);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fb_item_list_get_item_type;
  iface->get_n_items = fb_item_list_get_n_items;
  iface->get_item = fb_item_list_get_item;
}

/* ---- Public ---- */

FbItemList *
fb_item_list_new (FbStore    *store,
                  const char *collection)
{
  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  return g_object_new (FB_TYPE_ITEM_LIST,
                       "store", store,
                       "collection", collection,
                       NULL);
}

FbStore *
fb_item_list_get_store (FbItemList *self)
{
  g_return_val_if_fail (FB_IS_ITEM_LIST (self), NULL);

  return self->store;
}

const char *
fb_item_list_get_collection (FbItemList *self)
{
  g_return_val_if_fail (FB_IS_ITEM_LIST (self), NULL);

  return self->collection;
}

const char *
fb_item_list_get_search (FbItemList *self)
{
  g_return_val_if_fail (FB_IS_ITEM_LIST (self), NULL);

  return self->search;
}

guint
fb_item_list_find (FbItemList *self,
                   const char *id)
{
  Entry *entry;

  g_return_val_if_fail (FB_IS_ITEM_LIST (self), G_MAXUINT);
  g_return_val_if_fail (id != NULL, G_MAXUINT);

  entry = g_hash_table_lookup (self->by_id, id);
  if (entry == NULL)
    return G_MAXUINT;

  return lower_bound (self, entry);
}

FbItemSort
fb_item_list_get_sort (FbItemList *self)
{
  g_return_val_if_fail (FB_IS_ITEM_LIST (self), FB_ITEM_SORT_MODIFIED);

  return self->sort;
}

void
fb_item_list_set_sort (FbItemList *self,
                       FbItemSort  sort)
{
  g_return_if_fail (FB_IS_ITEM_LIST (self));
  g_return_if_fail (sort <= FB_ITEM_SORT_TITLE);

  if (self->sort == sort)
    return;

  self->sort = sort;
  if (self->store != NULL)
    reload (self);
}

void
fb_item_list_set_search (FbItemList *self,
                         const char *query)
{
  g_return_if_fail (FB_IS_ITEM_LIST (self));

  if (_fb_store_query_is_blank (query))
    query = NULL;

  if (g_strcmp0 (self->search, query) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (query);
  g_clear_pointer (&self->match_cache, g_hash_table_unref);

  if (self->store != NULL)
    reload (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH]);
}

void
fb_item_list_set_record_query (FbItemList    *self,
                               FbRecordQuery *query)
{
  g_return_if_fail (FB_IS_ITEM_LIST (self));
  g_return_if_fail (query == NULL ||
                    g_strcmp0 (self->collection, FB_COLLECTION_RECORDS) == 0);

  if (query == self->query)
    return;

  g_clear_pointer (&self->query, fb_record_query_unref);
  self->query = query != NULL ? fb_record_query_ref (query) : NULL;

  if (self->store != NULL)
    reload (self);
}

/* ---- GObject ---- */

static void
fb_item_list_constructed (GObject *object)
{
  FbItemList *self = FB_ITEM_LIST (object);

  G_OBJECT_CLASS (fb_item_list_parent_class)->constructed (object);

  g_return_if_fail (FB_IS_STORE (self->store));

  self->changed_id = g_signal_connect_object (self->store, "item-changed",
                                              G_CALLBACK (item_changed_cb), self,
                                              G_CONNECT_SWAPPED);
  reload (self);
}

static void
fb_item_list_dispose (GObject *object)
{
  FbItemList *self = FB_ITEM_LIST (object);

  g_clear_handle_id (&self->more_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_item_list_parent_class)->dispose (object);
}

static void
fb_item_list_finalize (GObject *object)
{
  FbItemList *self = FB_ITEM_LIST (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->match_cache, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->query, fb_record_query_unref);
  g_clear_pointer (&self->collection, g_free);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (fb_item_list_parent_class)->finalize (object);
}

static void
fb_item_list_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FbItemList *self = FB_ITEM_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_COLLECTION:
      g_value_set_string (value, self->collection);
      break;
    case PROP_SEARCH:
      g_value_set_string (value, self->search);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_item_list_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FbItemList *self = FB_ITEM_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_COLLECTION:
      self->collection = g_value_dup_string (value);
      break;
    case PROP_SEARCH:
      fb_item_list_set_search (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_item_list_class_init (FbItemListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fb_item_list_constructed;
  object_class->dispose = fb_item_list_dispose;
  object_class->finalize = fb_item_list_finalize;
  object_class->get_property = fb_item_list_get_property;
  object_class->set_property = fb_item_list_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_COLLECTION] =
    g_param_spec_string ("collection", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH] =
    g_param_spec_string ("search", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fb_item_list_init (FbItemList *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}
