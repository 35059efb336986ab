package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

func TestLanes(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	s.user(t, "viewer", park.RoleReadOnly)
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	s.user(t, "other", park.RoleLotOperator, "OTHER")
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Minute))
	page := "/console/lots/" + s.Lot + "/lanes"

	op := s.browser(t)
	op.mustLogin("op")
	st, body, _ := op.get(page)
	if st != http.StatusOK || !strings.Contains(body, `id="lane-in-1"`) || !strings.Contains(body, `<td class="plate">沪A12345</td>`) {
		t.Fatalf("lanes page: %d\n%s", st, body)
	}

	t.Run("NewDecisionOnNextView", func(t *testing.T) {
		// The page keeps the lot's rendered decisions until a newer one
		// comes: the next view shows it, in each viewer's language.
		s.Event(t, park.EventEntry, "沪B67890", s.Clock.Now())
		if _, body, _ := op.get(page); !strings.Contains(body, `<td class="plate">沪B67890</td>`) {
			t.Fatalf("the new decision is not on the page:\n%s", body)
		}
		zh := "zh"
		if _, err := s.Sys.Operators.Update(s.Ctx, "tester", "viewer", operators.Patch{Language: &zh}); err != nil {
			t.Fatal(err)
		}
		v := s.browser(t)
		v.mustLogin("viewer")
		_, body, _ := v.get(page)
		feed := regexp.MustCompile(`(?s)<tbody id="feed".*?</tbody>`).FindString(body)
		if !strings.Contains(feed, "沪B67890") || !strings.Contains(feed, ">停车记录</a>") || strings.Contains(feed, ">Stay</a>") {
			t.Fatalf("a Chinese viewer's decisions:\n%s", feed)
		}
	})
	t.Run("OpenNeedsAReason", func(t *testing.T) {
		op.get(page)
		st, body, _ := op.post(page+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"open"}, "reason": {"  "}})
		if st != http.StatusBadRequest || !strings.Contains(body, "is required: a barrier lifted by hand") {
			t.Fatalf("open without a reason: %d\n%s", st, body)
		}
		if log, _ := s.Sys.Gate.GateLog(s.Ctx, s.Lot, "in-1", 10); len(log) != 0 {
			t.Fatalf("the barrier was commanded anyway: %+v", log)
		}
	})
	t.Run("OpenIsAnAbnormalLift", func(t *testing.T) {
		op.get(page)
		st, _, loc := op.post(page+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"open"}, "reason": {"driver lost the ticket"}})
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?sent=") {
			t.Fatalf("open: %d to %q", st, loc)
		}
		log, err := s.Sys.Gate.GateLog(s.Ctx, s.Lot, "in-1", 10)
		if err != nil || len(log) != 1 || log[0].Command != park.GateOpen || log[0].By != "operator:op" ||
			log[0].Reason != "driver lost the ticket" || log[0].Result != park.GateDelivered {
			t.Fatalf("gate log %+v, %v", log, err)
		}
		_, body, _ := op.get(loc)
		if !strings.Contains(body, `class="abnormal"`) || !strings.Contains(body, "driver lost the ticket") {
			t.Fatalf("the page does not show the abnormal lift:\n%s", body)
		}
		es, err := s.AuditLog(park.AuditFilter{Actor: "op"})
		if err != nil || len(es) == 0 || es[0].Action != "lane.open" || es[0].Lot != s.Lot || es[0].Target != "in-1" ||
			es[0].Reason != "driver lost the ticket" || !strings.Contains(es[0].After, log[0].ID) {
			t.Fatalf("audit %+v, %v", es, err)
		}
	})
	t.Run("ReadOnlyRefused", func(t *testing.T) {
		v := s.browser(t)
		v.mustLogin("viewer")
		st, body, _ := v.get(page)
		if st != http.StatusOK || strings.Contains(body, `value="open"`) {
			t.Fatalf("a read-only operator's lanes page: %d, with buttons: %v", st, strings.Contains(body, `value="open"`))
		}
		st, _, _ = v.post(page+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"open"}, "reason": {"test"}})
		if st != http.StatusForbidden {
			t.Fatalf("a read-only operator opened a barrier: %d", st)
		}
	})
	t.Run("OtherLotHidden", func(t *testing.T) {
		o := s.browser(t)
		o.mustLogin("other")
		if st, _, _ := o.get(page); st != http.StatusNotFound {
			t.Fatalf("another lot's operator: %d, want 404", st)
		}
		o.get("/console/lots/OTHER/lanes")
		if st, _, _ := o.post(page+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"open"}, "reason": {"x"}}); st != http.StatusNotFound {
			t.Fatalf("another lot's operator commanded a barrier: %d, want 404", st)
		}
	})
}

// TestLaneOfNewDevice: a camera just installed, registered to its lane,
// has read no car yet: its lane is listed all the same, with its
// barrier's buttons (the gate takes commands for it), beside the lane
// that had a read. Before, only in-1 (read) was listed, not out-9.
func TestLaneOfNewDevice(t *testing.T) {
	b := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{"test-cam"}})
	s := &site{Bundle: b, srv: newServer(t, b)}
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Minute))
	if err := s.Sys.Devices.Register(s.Ctx, &park.Device{Serial: "cam-new", LotCode: s.Lot, Lane: "out-9",
		Direction: park.DirectionOut, Protocol: "test-cam"}); err != nil {
		t.Fatal(err)
	}
	page := "/console/lots/" + s.Lot + "/lanes"
	op := s.browser(t)
	op.mustLogin("op")
	st, body, _ := op.get(page)
	if st != http.StatusOK || !strings.Contains(body, `id="lane-in-1"`) || !strings.Contains(body, `id="lane-out-9"`) ||
		!strings.Contains(body, `action="/console/lots/`+s.Lot+`/lanes/out-9/command"`) {
		t.Fatalf("lanes page: %d, want in-1 and out-9 with its buttons\n%s", st, body)
	}
	if i, j := strings.Index(body, `id="lane-in-1"`), strings.Index(body, `id="lane-out-9"`); i > j {
		t.Fatal("lanes not in order of their names")
	}
}

// TestLaneStream: a decision made after the page was drawn reaches it
// over the event stream, rendered as a row of the table.
func TestLaneStream(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("op")
	after := s.Clock.Now().UTC().Format(time.RFC3339Nano)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.srv.URL+"/console/lots/"+s.Lot+"/lanes/events?after="+url.QueryEscape(after), nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s.Clock.Set(s.Clock.Now().Add(time.Second))
	s.Event(t, park.EventEntry, "沪B67890", s.Clock.Now())
	sc := bufio.NewScanner(resp.Body)
	var got []string
	for sc.Scan() {
		line := sc.Text()
		got = append(got, line)
		if strings.HasPrefix(line, "data: ") && strings.Contains(line, "沪B") {
			if !strings.Contains(line, `<td class="plate">沪B67890</td>`) || !strings.Contains(line, "<strong>open</strong>") {
				t.Fatalf("the row: %s", line)
			}
			return
		}
	}
	t.Fatalf("no decision in the stream (%v):\n%s", sc.Err(), strings.Join(got, "\n"))
}

// TestLaneWithSlash: a lane id is the camera's text, and may hold '/',
// '?' or '#'; its command form must still reach that lane.
func TestLaneWithSlash(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	for i, lane := range []string{"P1/east", "gate?2", "b#3"} {
		if _, err := s.Sys.Gate.HandleEvent(s.Ctx, gate.EventInput{LotCode: s.Lot, ID: fmt.Sprintf("slash-%d", i),
			Type: park.EventEntry, Plate: fmt.Sprintf("沪A1234%d", i), Lane: lane, At: s.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
		page := "/console/lots/" + s.Lot + "/lanes"
		op := s.browser(t)
		op.mustLogin("op")
		_, body, _ := op.get(page)
		m := regexp.MustCompile(`action="(/console/lots/[^"]*/command)"`).FindAllStringSubmatch(body, -1)
		var action string
		for _, a := range m {
			if u, err := url.Parse(a[1]); err == nil && strings.Contains(u.EscapedPath(), url.PathEscape(lane)) {
				action = a[1]
			}
		}
		if action == "" {
			t.Fatalf("lane %q: no command form addressed to it in %q", lane, m)
		}
		st, _, loc := op.post(action, url.Values{"confirmed": {"1"}, "command": {"open"}, "reason": {"test"}})
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?sent=") {
			t.Fatalf("lane %q: open through %q: %d to %q", lane, action, st, loc)
		}
		if log, err := s.Sys.Gate.GateLog(s.Ctx, s.Lot, lane, 10); err != nil || len(log) != 1 || log[0].Lane != lane {
			t.Fatalf("lane %q: gate log %+v, %v", lane, log, err)
		}
	}
}

// TestRefusalNamesTheField: a refused form says which field was wrong,
// as the native API does, not only what was wrong with it.
func TestRefusalNamesTheField(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now())
	page := "/console/lots/" + s.Lot + "/lanes"
	op := s.browser(t)
	op.mustLogin("op")
	op.get(page)
	st, body, _ := op.post(page+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"open"}, "reason": {strings.Repeat("a", 300)}})
	if st != http.StatusBadRequest || !strings.Contains(body, `id="error-message">reason: must be valid text of at most 256 characters<`) {
		t.Fatalf("a 300-character reason: %d\n%s", st, body)
	}
}

// TestFormTooLarge: a form over the console's 1 MiB is answered as too
// large, not as an expired form, and changes nothing.
func TestFormTooLarge(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now())
	page := "/console/lots/" + s.Lot + "/lanes"
	op := s.browser(t)
	op.mustLogin("op")
	op.get(page)
	st, body, _ := op.post(page+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"open"}, "reason": {strings.Repeat("a", 1<<20)}})
	if st != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than 1 MiB") {
		t.Fatalf("a 1 MiB reason: %d\n%s", st, body)
	}
	if log, _ := s.Sys.Gate.GateLog(s.Ctx, s.Lot, "in-1", 10); len(log) != 0 {
		t.Fatalf("the barrier was commanded: %+v", log)
	}
}

// TestLiftWithoutReasonRefusedBeforeAsking: open or hold open with no
// reason is refused at once (400, saying the reason is needed), not
// asked "lift the barrier?" first only to be refused once answered.
func TestLiftWithoutReasonRefusedBeforeAsking(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Minute)) // the camera reports lane in-1
	b := s.browser(t)
	b.mustLogin("ana")
	page := "/console/lots/" + s.Lot + "/lanes"
	for _, cmd := range []string{park.GateOpen, park.GateHoldOpen} {
		b.get(page)
		st, body, _ := b.post(page+"/in-1/command", url.Values{"command": {cmd}, "reason": {" "}})
		if st != http.StatusBadRequest || !strings.Contains(body, "reason: is required") || strings.Contains(body, `id="confirm"`) {
			t.Errorf("%s without a reason: %d, want 400 saying the reason is required, before any question\n%s", cmd, st, body)
		}
	}
	if log, _ := s.Sys.Gate.GateLog(s.Ctx, s.Lot, "in-1", 10); len(log) != 0 {
		t.Fatalf("a command without a reason was sent: %+v", log)
	}
}
