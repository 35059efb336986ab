package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"parkd/internal/gate"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The lanes page: each lane with its barrier's mode and buttons, the
// lot's decisions as they happen (server-sent events), and the gate log.
func lanesSection() section {
	return section{key: "lanes", lotPath: "lanes", routes: []route{
		{"GET " + Prefix + "lots/{lot}/lanes", (*Console).lanes},
		{"GET " + Prefix + "lots/{lot}/lanes/events", (*Console).laneEvents},
		{"POST " + Prefix + "lots/{lot}/lanes/{lane}/command", (*Console).laneCommand},
	}}
}

type laneView struct {
	*park.Lane
	Hold *park.LaneHold
	Last *park.Event // the lane's newest event of the page's list
}

type lanesData struct {
	Lot      *park.Lot
	Loc      *time.Location
	Lanes    []laneView
	Events   []*park.Event
	Rows     template.HTML // Events' rows, rendered
	Log      []*park.GateCommand
	CanAct   bool
	Recorded string // the command just sent
}

// laneFeedSize is how many decisions the page shows.
const laneFeedSize = 30

func (w *Console) lanes(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	ctx := r.Context()
	lanes, holds, err := w.sys.Gate.Lanes(ctx, l.Code)
	if err != nil {
		return err
	}
	evs, rows, err := w.recentDecisions(ctx, l, p.Language)
	if err != nil {
		return err
	}
	glog, err := w.sys.Gate.GateLog(ctx, l.Code, "", 20)
	if err != nil {
		return err
	}
	d := lanesData{Lot: l, Loc: l.Location(), Events: evs, Rows: rows, Log: glog, CanAct: p.MayChange(l.Code),
		Recorded: r.URL.Query().Get("sent")}
	for _, ln := range lanes {
		v := laneView{Lane: ln, Hold: holds[ln.ID]}
		for _, e := range evs {
			if e.Lane == ln.ID {
				v.Last = e
				break
			}
		}
		d.Lanes = append(d.Lanes, v)
	}
	w.render(rw, r, http.StatusOK, "lanes", p, "overview", d)
	return nil
}

// liftQuestions ask before a command that lifts a barrier.
var liftQuestions = map[string]string{park.GateOpen: "confirm_open", park.GateHoldOpen: "confirm_hold_open"}

func (w *Console) laneCommand(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	if err := mayChange(p, l.Code); err != nil {
		return err
	}
	lane := r.PathValue("lane")
	by := "operator:" + p.Name
	if len(by) > 64 {
		by = by[:64]
	}
	in := gate.GateCommandInput{LotCode: l.Code, Lane: lane, Command: r.PostFormValue("command"), By: by,
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	// A lift lets a car through unpaid: asked first. Lowering a barrier
	// or ending a hold lets no one through. A command the gate would
	// refuse (a lift without a reason), or a lane the lot does not have,
	// is refused before asking to lift a barrier.
	if key, ok := liftQuestions[in.Command]; ok {
		if err := gate.CheckGateCommand(in); err != nil {
			return err
		}
		if _, err := w.sys.Gate.LaneHold(r.Context(), l.Code, lane); err != nil {
			return notFoundAs(err, "lane", lane)
		}
		if w.askFirst(rw, r, p, "overview", key, in.Command, Prefix+"lots/"+l.Code+"/lanes", lane) {
			return nil
		}
	}
	res, err := w.sys.Gate.SendGateCommand(r.Context(), in)
	if err != nil {
		return notFoundAs(err, "lane", lane) // the lot was found above
	}
	http.Redirect(rw, r, fmt.Sprintf("%slots/%s/lanes?sent=%s", Prefix, l.Code, res.Command.ID), http.StatusSeeOther)
	return nil
}

// Lane events are read from the database, not from this process's
// memory, so a screen on one node sees the cars another node decided.
const (
	lanePoll      = time.Second
	laneHeartbeat = 15 * time.Second
	// laneOverlap re-reads this far back: a transaction that stamped its
	// event earlier may commit after a later one was read.
	laneOverlap = 5 * time.Second
	// laneRecheck is how often a stream checks its session is still live.
	laneRecheck = 30 * time.Second
)

// laneEvents streams the lot's new decisions as server-sent events, each
// a table row rendered (and escaped) by the server.
func (w *Console) laneEvents(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	// The page names the newest decision it shows; the stream sends what
	// came after (and the page skips a row it already has).
	newest := w.now().UTC()
	if v := r.URL.Query().Get("after"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return park.Invalid("after", "%q is not an RFC 3339 time", v)
		}
		newest = t.UTC()
	}
	rc := http.NewResponseController(rw)
	// The server's write timeout is for ordinary pages; a stream lives
	// until the browser leaves or the session ends.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		return err
	}
	h := rw.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	rw.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprint(rw, "retry: 2000\n\n")
	_ = rc.Flush()

	ctx := r.Context()
	loc := l.Location()
	seen := map[string]time.Time{}
	poll := time.NewTicker(lanePoll)
	defer poll.Stop()
	lastWrite, lastCheck := time.Now(), time.Now()
	c, _ := r.Cookie(sessionCookie)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.done:
			return nil
		case <-poll.C:
		}
		if time.Since(lastCheck) > laneRecheck {
			lastCheck = time.Now()
			if c == nil {
				return nil
			}
			if _, err := w.sys.Operators.Authenticate(ctx, c.Value); err != nil {
				_, _ = fmt.Fprint(rw, "event: ended\ndata: session\n\n")
				_ = rc.Flush()
				return nil
			}
		}
		evs, err := w.sys.Gate.RecentEvents(ctx, l.Code, newest.Add(-laneOverlap), gate.MaxRecentEvents)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			w.log.Warn("lane stream", "lot", l.Code, "err", err)
			continue
		}
		var buf bytes.Buffer
		for i := len(evs) - 1; i >= 0; i-- { // oldest first
			e := evs[i]
			if e.ReceivedAt.After(newest) {
				newest = e.ReceivedAt
			}
			if _, ok := seen[e.ID]; ok {
				continue
			}
			seen[e.ID] = e.ReceivedAt
			var row bytes.Buffer
			if err := w.pages["lanes"].ExecuteTemplate(&row, "eventrow", eventRow{Event: e, Loc: loc, Lang: p.Language}); err != nil {
				return err
			}
			buf.WriteString("event: decision\n")
			for _, line := range strings.Split(strings.TrimSpace(row.String()), "\n") {
				buf.WriteString("data: " + line + "\n")
			}
			buf.WriteString("\n")
		}
		for id, at := range seen {
			if at.Before(newest.Add(-laneOverlap)) {
				delete(seen, id)
			}
		}
		if buf.Len() == 0 && time.Since(lastWrite) < laneHeartbeat {
			continue
		}
		if buf.Len() == 0 {
			buf.WriteString(": keep-alive\n\n")
		}
		if _, err := rw.Write(buf.Bytes()); err != nil {
			return nil
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
		lastWrite = time.Now()
	}
}

// eventRow is one decision in the live table.
type eventRow struct {
	Event *park.Event
	Loc   *time.Location
	Lang  string
}

// T is a word in the row's language.
func (e eventRow) T(key string) string { return translate(e.Lang, key) }

// W is a value of the core in the row's language (word).
func (e eventRow) W(prefix, value string) string { return word(e.Lang, prefix, value) }

// Money is an amount in the row's language.
func (e eventRow) Money(amount int64, currency string) string {
	return formatMoney(e.Lang, amount, currency)
}
