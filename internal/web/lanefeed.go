package web

import (
	"bytes"
	"context"
	"html/template"
	"sync"
	"time"

	"parkd/internal/park"
)

// laneFeed is a lot's newest decisions and their rows rendered per
// language, kept while the lot's newest decision is the same one: a
// lanes page then reads one row through an index instead of reading and
// rendering laneFeedSize of them (most of its cost, with many screens
// open). A decision that commits late behind a newer one reaches the
// page through its event stream, which reads back laneOverlap.
type laneFeed struct {
	key    string // the newest decision's id and time, and the lot's zone
	events []*park.Event
	rows   map[string]template.HTML
}

// laneFeeds holds one laneFeed per lot this node has shown.
type laneFeeds struct {
	mu sync.Mutex
	m  map[string]*laneFeed
}

func feedKey(l *park.Lot, evs []*park.Event) string {
	if len(evs) == 0 {
		return l.TimeZone
	}
	return evs[0].ID + "@" + evs[0].ReceivedAt.Format(time.RFC3339Nano) + "@" + l.TimeZone
}

// recentDecisions returns the lot's newest decisions and their rows in
// lang.
func (w *Console) recentDecisions(ctx context.Context, l *park.Lot, lang string) ([]*park.Event, template.HTML, error) {
	top, err := w.sys.Gate.RecentEvents(ctx, l.Code, time.Time{}, 1)
	if err != nil {
		return nil, "", err
	}
	key := feedKey(l, top)
	w.feeds.mu.Lock()
	f := w.feeds.m[l.Code]
	if f != nil && f.key == key {
		if rows, ok := f.rows[lang]; ok {
			w.feeds.mu.Unlock()
			return f.events, rows, nil
		}
	}
	w.feeds.mu.Unlock()
	if f == nil || f.key != key {
		evs, err := w.sys.Gate.RecentEvents(ctx, l.Code, time.Time{}, laneFeedSize)
		if err != nil {
			return nil, "", err
		}
		f = &laneFeed{key: feedKey(l, evs), events: evs, rows: map[string]template.HTML{}}
	}
	var buf bytes.Buffer
	loc := l.Location()
	for _, e := range f.events {
		if err := w.pages["lanes"].ExecuteTemplate(&buf, "eventrow", eventRow{Event: e, Loc: loc, Lang: lang}); err != nil {
			return nil, "", err
		}
		buf.WriteByte('\n')
	}
	rows := template.HTML(buf.String()) // rendered, and so escaped, by html/template
	w.feeds.mu.Lock()
	f.rows[lang] = rows
	w.feeds.m[l.Code] = f
	w.feeds.mu.Unlock()
	return f.events, rows, nil
}
