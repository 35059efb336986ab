package web_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// anomalyRow is one row of the anomalies table: its time, label, detail,
// stay link and picture link cells as the page writes them.
var anomalyRow = regexp.MustCompile(`(?s)<tr class="anomaly-[a-z_]+"><td><time>([^<]*)</time></td><td>([^<]*)</td><td>([^<]*)</td><td>(.*?)</td><td>(.*?)</td></tr>`)

// TestLotAnomalies: a lot's anomalies page shows the ones of no stay (a
// charger that never answered a stop, a plate-less offline record with its
// picture) beside a stay's, newest first, each in the lot's time, worded
// in the operator's language; an operator of another lot does not see it.
func TestLotAnomalies(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	for name, lang := range map[string]string{"li": "zh", "maria": "pt"} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: name, Role: park.RoleLotOperator,
			Lots: []string{s.Lot}, Language: lang, Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	s.user(t, "other", park.RoleLotOperator, "OTHER")
	stay := s.Event(t, park.EventEntry, "沪A12345", systemtest.T0).StayID
	if stay == "" {
		t.Fatal("the entry opened no stay")
	}
	// T0 is 01:00 UTC, 09:00 in Shanghai (UTC+8, the lot's zone): the
	// anomalies below, 1, 2 and 3 hours after it, read 10:00, 11:00 and
	// 12:00 there.
	as := []*park.Anomaly{
		{ID: "an-1", LotCode: s.Lot, Kind: park.AnomalyStopUnanswered, EventID: "cp-1", At: systemtest.T0.Add(time.Hour),
			Detail: "charger CP1 answered none of 8 stop requests"},
		{ID: "an-2", LotCode: s.Lot, Kind: park.AnomalyPlatelessRecord, EventID: "off-1", At: systemtest.T0.Add(2 * time.Hour),
			Detail: "offline exit with no plate", ImageURL: "/v1/images/img-9"},
		{ID: "an-3", LotCode: s.Lot, Kind: park.AnomalyReentry, Plate: "沪A12345", StayID: stay, EventID: "re-1",
			At: systemtest.T0.Add(3 * time.Hour), Detail: "entered again while inside"},
		// Another lot's is not this lot's.
		{ID: "an-4", LotCode: "OTHER", Kind: park.AnomalyMeterGlitch, EventID: "cp-9", At: systemtest.T0.Add(4 * time.Hour),
			Detail: "another lot's meter"},
	}
	if err := s.Store.Update(s.Ctx, func(tx park.Tx) error {
		for _, a := range as {
			if err := tx.InsertAnomaly(s.Ctx, a); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	page := "/console/lots/" + s.Lot + "/anomalies"
	stayLink := fmt.Sprintf(`<a href="/console/stays/%s">沪A12345</a>`, stay)
	picture := `<a href="/console/images/img-9">`
	for who, labels := range map[string][]string{
		"op":    {"reentry", "plateless_record", "stop_unanswered"},
		"li":    {"重复入场", "脱机无牌记录", "停止充电指令无应答"},
		"maria": {"reentrada", "registro offline sem placa", "comando de parada sem resposta"},
	} {
		b := s.browser(t)
		b.mustLogin(who)
		st, body, _ := b.get(page)
		if st != http.StatusOK {
			t.Fatalf("%s: %d\n%s", who, st, body)
		}
		rows := anomalyRow.FindAllStringSubmatch(body, -1)
		var times, got, details []string
		for _, r := range rows {
			times = append(times, r[1])
			got = append(got, html.UnescapeString(r[2]))
			details = append(details, html.UnescapeString(r[3]))
		}
		if want := []string{"2026-11-23 12:00", "2026-11-23 11:00", "2026-11-23 10:00"}; !slices.Equal(times, want) {
			t.Errorf("%s: times %q, want %q (newest first, Shanghai time)", who, times, want)
		}
		if !slices.Equal(got, labels) {
			t.Errorf("%s: labels %q, want %q", who, got, labels)
		}
		if want := []string{"entered again while inside", "offline exit with no plate", "charger CP1 answered none of 8 stop requests"}; !slices.Equal(details, want) {
			t.Errorf("%s: details %q, want %q", who, details, want)
		}
		if len(rows) == 3 {
			if rows[0][4] != stayLink || rows[1][4] != "" || rows[2][4] != "" {
				t.Errorf("%s: stay cells %q %q %q, want the stay's link on the reentry only", who, rows[0][4], rows[1][4], rows[2][4])
			}
			if !strings.HasPrefix(rows[1][5], picture) || rows[0][5] != "" || rows[2][5] != "" {
				t.Errorf("%s: picture cells %q %q %q, want the picture through the console on the plate-less record only",
					who, rows[0][5], rows[1][5], rows[2][5])
			}
		}
		if strings.Contains(body, "another lot's meter") {
			t.Errorf("%s: another lot's anomaly is shown", who)
		}
		// The lot's pages link to it.
		_, lanes, _ := b.get("/console/lots/" + s.Lot + "/lanes")
		if !strings.Contains(lanes, `href="`+page+`"`) {
			t.Errorf("%s: the lot's navigation does not link to its anomalies", who)
		}
	}
	// Another lot's operator does not see the lot at all.
	b := s.browser(t)
	b.mustLogin("other")
	if st, body, _ := b.get(page); st != http.StatusNotFound || strings.Contains(body, "answered none") {
		t.Errorf("another lot's operator on the anomalies page: %d, want 404\n%s", st, body)
	}
	// Signed out: the sign-in page.
	if st, _, loc := s.browser(t).get(page); st != http.StatusSeeOther || loc != "/console/login" {
		t.Errorf("signed out: %d to %q, want 303 to the sign-in page", st, loc)
	}
}

// TestLotAnomaliesPages: a lot with more anomalies than a page shows the
// newest page first and links to the older ones, by the last one shown
// rather than by a count: one recorded meanwhile does not shift them.
func TestLotAnomaliesPages(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	insert := func(i int) {
		t.Helper()
		if err := s.Store.Update(s.Ctx, func(tx park.Tx) error {
			return tx.InsertAnomaly(s.Ctx, &park.Anomaly{ID: fmt.Sprintf("an-%03d", i), LotCode: s.Lot,
				Kind: park.AnomalyMeterGlitch, EventID: fmt.Sprintf("ev-%d", i), At: systemtest.T0.Add(time.Duration(i) * time.Minute),
				Detail: fmt.Sprintf("glitch %d", i)})
		}); err != nil {
			t.Fatal(err)
		}
	}
	// 105 anomalies a minute apart: the first page holds the 100 newest
	// (minutes 104 down to 5), the second the 5 oldest (4 down to 0).
	for i := range 105 {
		insert(i)
	}
	b := s.browser(t)
	b.mustLogin("op")
	details := func(body string) []string {
		var out []string
		for _, r := range anomalyRow.FindAllStringSubmatch(body, -1) {
			out = append(out, r[3])
		}
		return out
	}
	page := "/console/lots/" + s.Lot + "/anomalies"
	_, body, _ := b.get(page)
	got := details(body)
	if len(got) != 100 || got[0] != "glitch 104" || got[99] != "glitch 5" {
		t.Fatalf("first page: %d rows from %q", len(got), got)
	}
	if strings.Contains(body, `id="anomalies-first"`) {
		t.Errorf("the first page links to the first page")
	}
	next := regexp.MustCompile(`<a id="anomalies-next" href="([^"]+)"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatalf("no link to the older anomalies:\n%s", body)
	}
	// A new one (minute 105) before the operator follows the link: the
	// older page still starts after glitch 5.
	insert(105)
	_, body, _ = b.get(html.UnescapeString(next[1]))
	if got := details(body); !slices.Equal(got, []string{"glitch 4", "glitch 3", "glitch 2", "glitch 1", "glitch 0"}) {
		t.Errorf("second page: %q", got)
	}
	if strings.Contains(body, `id="anomalies-next"`) || !strings.Contains(body, `id="anomalies-first"`) {
		t.Errorf("the last page links onwards, or not back to the first")
	}
	// A cursor that is no anomaly of the lot is refused, not shown as an
	// empty page.
	if st, body, _ := b.get(page + "?before=an-999"); st != http.StatusBadRequest {
		t.Errorf("before=an-999: %d, want 400\n%s", st, body)
	}
}
