/* fb-item-list.c: a GListModel of one collection that follows the store edit by edit */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include "fb-item-list.h"
#include "fb-store-private.h"

/* One row of the model. The rank is the search rank the item had when it
 * entered the list: other rows keep theirs when one item changes, so a
 * change moves only that item. The time it sorts by is its updated_at
 * then, and moves on only with an edit made here: a change from elsewhere
 * (a pull, a conflict, a resolution) updates the row where it is, so the
 * list does not re-sort under the person's pointer or selection. */
typedef struct
{
  FbItem *item;
  double  rank;
  gint64  sort_time;
} Entry;

struct _FbItemList
{
  GObject     parent_instance;

  FbStore    *store;
  char       *collection;
  char       *search;      /* NULL when not searching */

  GPtrArray  *entries;     /* Entry *, in model order */
  GHashTable *by_id;       /* id (owned by the entry's item) → Entry * */
  gulong      changed_id;

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

static Entry *
entry_new (FbItem *item,
           double  rank)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->item = g_object_ref (item);
  entry->rank = rank;
  entry->sort_time = fb_item_get_updated_at (item);

  return entry;
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_object (&entry->item);
  g_free (entry);
}

/* The order of fb_store_list_items() and of fb_store_search(): rank, then
 * newest first, then id, so no two items compare equal. */
static int
entry_compare (const Entry *a,
               const Entry *b)
{
  gint64 updated_a;
  gint64 updated_b;

  if (a->rank < b->rank)
    return -1;
  if (a->rank > b->rank)
    return 1;

  updated_a = a->sort_time;
  updated_b = b->sort_time;
  if (updated_a > updated_b)
    return -1;
  if (updated_a < updated_b)
    return 1;

  return strcmp (fb_item_get_id (a->item), fb_item_get_id (b->item));
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

      if (entry_compare (g_ptr_array_index (self->entries, mid), entry) < 0)
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
              (self->collection == NULL ||
               g_strcmp0 (fb_item_get_collection (candidate), self->collection) == 0))
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
  if (self->search != NULL)
    return item_matches (self, item, rank);

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

      old_position = lower_bound (self, old);
      g_assert (g_ptr_array_index (self->entries, old_position) == old);

      g_hash_table_remove (self->by_id, fb_item_get_id (old->item));
      g_ptr_array_remove_index (self->entries, old_position);
      old = NULL; /* freed */

      if (!belongs)
        {
          g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
          return;
        }
    }

  entry = entry_new (item, rank);
  if (keep_place)
    {
      entry->sort_time = old_sort_time;
      entry->rank = old_rank;
    }
  position = lower_bound (self, entry);

  if (replace && position != old_position)
    {
      /* A move: while the removal is told, the model must not hold the
       * item yet. */
      g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
      position = lower_bound (self, entry);
      replace = FALSE;
    }

  g_ptr_array_insert (self->entries, position, entry);
  g_hash_table_insert (self->by_id, (gpointer) fb_item_get_id (entry->item), entry);

  g_list_model_items_changed (G_LIST_MODEL (self), position, replace ? 1 : 0, 1);
}

static GPtrArray *
load_entries (FbItemList *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GArray) ranks = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  if (self->search != NULL)
    items = _fb_store_search_ranked (self->store, self->collection, self->search,
                                     &ranks, &error);
  else
    items = fb_store_list_items (self->store, self->collection, &error);

  entries = g_ptr_array_new_with_free_func (entry_free);
  if (items == NULL)
    {
      g_warning ("Could not list items: %s", error->message);
      return entries;
    }

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (entries,
                     entry_new (g_ptr_array_index (items, i),
                                ranks != NULL ? g_array_index (ranks, double, i) : 0.0));

  return entries;
}

static void
reload (FbItemList *self)
{
  guint removed = self->entries->len;

  g_hash_table_remove_all (self->by_id);
  g_ptr_array_unref (self->entries);
  self->entries = load_entries (self);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      g_hash_table_insert (self->by_id, (gpointer) fb_item_get_id (entry->item), entry);
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

static gpointer
fb_item_list_get_item (GListModel *model,
                       guint       position)
{
  FbItemList *self = FB_ITEM_LIST (model);
  Entry *entry;

  if (position >= self->entries->len)
    return NULL;

  entry = g_ptr_array_index (self->entries, position);

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
