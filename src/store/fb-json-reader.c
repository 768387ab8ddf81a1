/* fb-json-reader.c: the text of one JSON value at a time from a stream */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-json-reader"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fb-json-reader.h"

#define BUFFER_SIZE (64 * 1024)

struct _FbJsonReader
{
  GInputStream *in;
  char         *buffer;
  gsize         pos;
  gsize         len;
  gboolean      eof;
  guint         line;

  FbJsonReaderSetAsideFunc set_aside;
  gpointer                 set_aside_data;
};

FbJsonReader *
fb_json_reader_new (GInputStream *in)
{
  FbJsonReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (in), NULL);

  self = g_new0 (FbJsonReader, 1);
  self->in = g_object_ref (in);
  self->buffer = g_malloc (BUFFER_SIZE);
  self->line = 1;

  return self;
}

void
fb_json_reader_free (FbJsonReader *self)
{
  if (self == NULL)
    return;

  g_object_unref (self->in);
  g_free (self->buffer);
  g_free (self);
}

/* Makes sure a character is buffered unless the stream has ended. */
static gboolean
fill (FbJsonReader  *self,
      GCancellable  *cancellable,
      GError       **error)
{
  gssize n;

  if (self->pos < self->len || self->eof)
    return TRUE;

  n = g_input_stream_read (self->in, self->buffer, BUFFER_SIZE, cancellable, error);
  if (n < 0)
    return FALSE;

  self->pos = 0;
  self->len = n;
  self->eof = n == 0;
  return TRUE;
}

static void
set_unexpected (FbJsonReader  *self,
                GError       **error)
{
  if (self->pos >= self->len)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("the text ends in the middle"));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 /* Translators: %u is a line number */
                 _("unexpected text on line %u"), self->line);
}

static gboolean
skip_space (FbJsonReader  *self,
            GCancellable  *cancellable,
            GError       **error)
{
  for (;;)
    {
      char c;

      if (!fill (self, cancellable, error))
        return FALSE;
      if (self->pos >= self->len)
        return TRUE;

      c = self->buffer[self->pos];
      if (c == '\n')
        self->line++;
      else if (c != ' ' && c != '\t' && c != '\r')
        return TRUE;
      self->pos++;
    }
}

gboolean
fb_json_reader_peek (FbJsonReader  *self,
                     int           *c,
                     GCancellable  *cancellable,
                     GError       **error)
{
  if (!skip_space (self, cancellable, error))
    return FALSE;

  *c = self->pos < self->len ? (guchar) self->buffer[self->pos] : -1;
  return TRUE;
}

gboolean
fb_json_reader_expect (FbJsonReader  *self,
                       char           c,
                       GCancellable  *cancellable,
                       GError       **error)
{
  if (!skip_space (self, cancellable, error))
    return FALSE;

  if (self->pos >= self->len || self->buffer[self->pos] != c)
    {
      set_unexpected (self, error);
      return FALSE;
    }

  self->pos++;
  return TRUE;
}

gboolean
fb_json_reader_expect_end (FbJsonReader  *self,
                           GCancellable  *cancellable,
                           GError       **error)
{
  if (!skip_space (self, cancellable, error))
    return FALSE;

  if (self->pos < self->len)
    {
      set_unexpected (self, error);
      return FALSE;
    }

  return TRUE;
}

void
fb_json_reader_set_aside_attachment_data (FbJsonReader             *self,
                                          FbJsonReaderSetAsideFunc  func,
                                          gpointer                  user_data)
{
  self->set_aside = func;
  self->set_aside_data = user_data;
}

/* The members a set-aside string sits under: the value's own object (1),
 * "_attachments" (2), an entry (3), whose "data" it is. */
#define SET_ASIDE_DEPTH 3
#define KEY_MAX         16

/* Where a value ends: the scan goes on over as many buffers as it takes,
 * one tight loop per buffer. */
typedef struct
{
  guint    depth;     /* open brackets */
  gboolean in_string;
  gboolean escaped;   /* after a backslash inside a string */
  gboolean scalar;    /* a number or literal: ends before a delimiter */

  /* Only while strings are set aside: the member names down to
   * SET_ASIDE_DEPTH, to know the one string that goes. */
  gboolean track;
  gboolean object[SET_ASIDE_DEPTH + 1];  /* that depth is an object */
  gboolean expect_key;                   /* a string here is a name */
  gboolean in_key;
  char     key[SET_ASIDE_DEPTH + 1][KEY_MAX];
  guint    key_len[SET_ASIDE_DEPTH + 1];
  gboolean divert;                       /* stopped after such a string's quote */
  guint    n_set_aside;
} Scan;

static gboolean
key_is (const Scan *scan,
        guint       depth,
        const char *name)
{
  gsize len = strlen (name);

  return scan->key_len[depth] == len && memcmp (scan->key[depth], name, len) == 0;
}

/* A string begins at the scan's depth: a member's name, the data to set
 * aside, or another value. */
static void
track_string_start (Scan *scan)
{
  guint depth = scan->depth;

  if (depth == 0 || depth > SET_ASIDE_DEPTH || !scan->object[depth])
    return;
  if (scan->expect_key)
    {
      scan->in_key = TRUE;
      scan->key_len[depth] = 0;
      return;
    }
  if (depth == SET_ASIDE_DEPTH && scan->object[1] && scan->object[2] &&
      key_is (scan, 1, "_attachments") && key_is (scan, 3, "data"))
    scan->divert = TRUE;
}

/* A bracket, a colon or a comma outside strings. */
static void
track_structure (Scan *scan,
                 char  c)
{
  switch (c)
    {
    case '{':
    case '[':
      if (scan->depth <= SET_ASIDE_DEPTH)
        scan->object[scan->depth] = c == '{';
      scan->expect_key = c == '{';
      break;
    case ':':
      scan->expect_key = FALSE;
      break;
    case ',':
      scan->expect_key = scan->depth <= SET_ASIDE_DEPTH && scan->object[scan->depth];
      break;
    default:   /* a closing bracket: a value has ended */
      scan->expect_key = FALSE;
      break;
    }
}

/* Advances over the buffer: TRUE in *@done when the value ended. */
static void
scan_buffer (FbJsonReader *self,
             Scan         *scan,
             gboolean     *done)
{
  const char *p = self->buffer + self->pos;
  const char *end = self->buffer + self->len;

  for (; p < end; p++)
    {
      char c = *p;

      if (c == '\n')
        self->line++;

      if (scan->scalar)
        {
          if (c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' ||
              c == '\n' || c == '\r')
            {
              /* The delimiter is not part of the value. */
              if (c == '\n')
                self->line--;
              *done = TRUE;
              break;
            }
          continue;
        }

      if (scan->in_string)
        {
          if (scan->escaped)
            scan->escaped = FALSE;
          else if (c == '\\')
            scan->escaped = TRUE;
          else if (c == '"')
            {
              scan->in_string = FALSE;
              scan->in_key = FALSE;
              if (scan->depth == 0)
                {
                  p++;
                  *done = TRUE;
                  break;
                }
              continue;
            }
          if (scan->in_key && scan->key_len[scan->depth] < KEY_MAX)
            scan->key[scan->depth][scan->key_len[scan->depth]++] = c;
          continue;
        }

      if (c == '"')
        {
          scan->in_string = TRUE;
          if (scan->track)
            {
              track_string_start (scan);
              if (scan->divert)
                {
                  p++;
                  break;
                }
            }
          continue;
        }
      if (c == '{' || c == '[')
        scan->depth++;
      else if ((c == '}' || c == ']') && --scan->depth == 0)
        {
          p++;
          *done = TRUE;
          break;
        }
      if (scan->track && (c == '{' || c == '[' || c == '}' || c == ']' || c == ':' || c == ','))
        track_structure (scan, c);
    }

  self->pos = p - self->buffer;
}

/* Hands the characters of a string to the set-aside function, up to (not
 * over) its closing quote, which the scan then reads as usual. */
static gboolean
set_aside_string (FbJsonReader  *self,
                  guint          index,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gboolean escaped = FALSE;

  for (;;)
    {
      gsize start;

      if (!fill (self, cancellable, error))
        return FALSE;
      if (self->pos >= self->len)
        {
          set_unexpected (self, error);
          return FALSE;
        }

      start = self->pos;
      for (; self->pos < self->len; self->pos++)
        {
          char c = self->buffer[self->pos];

          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            break;
          else if (c == '\n')
            self->line++;
        }

      if (!self->set_aside (index, self->buffer + start, self->pos - start,
                            self->pos < self->len, self->set_aside_data, error))
        return FALSE;
      if (self->pos < self->len)
        return TRUE;
    }
}

gboolean
fb_json_reader_read_value (FbJsonReader  *self,
                           GString       *out,
                           GCancellable  *cancellable,
                           GError       **error)
{
  Scan scan = { 0, };
  gboolean done = FALSE;
  char first;

  if (!skip_space (self, cancellable, error))
    return FALSE;
  if (self->pos >= self->len)
    {
      set_unexpected (self, error);
      return FALSE;
    }

  first = self->buffer[self->pos];
  if (first == ',' || first == ':' || first == ']' || first == '}')
    {
      set_unexpected (self, error);
      return FALSE;
    }
  scan.scalar = first != '{' && first != '[' && first != '"';
  scan.track = self->set_aside != NULL;

  while (!done)
    {
      gsize start;

      if (!fill (self, cancellable, error))
        return FALSE;
      if (self->pos >= self->len)
        {
          /* A number or literal may end the text; nothing else may. */
          if (scan.scalar)
            break;
          set_unexpected (self, error);
          return FALSE;
        }

      start = self->pos;
      scan_buffer (self, &scan, &done);
      g_string_append_len (out, self->buffer + start, self->pos - start);

      if (scan.divert)
        {
          scan.divert = FALSE;
          g_string_append_printf (out, FB_JSON_READER_SET_ASIDE_PREFIX "%u", scan.n_set_aside);
          if (!set_aside_string (self, scan.n_set_aside++, cancellable, error))
            return FALSE;
        }
    }

  return TRUE;
}
