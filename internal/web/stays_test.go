package web_test

import (
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/operators"
	"parkd/internal/park"
)

func TestStays(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	s.user(t, "other", park.RoleLotOperator, "OTHER")
	// In at 14:00 local; now 15:00.
	d := s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Hour))
	b := s.browser(t)
	b.mustLogin("ana")

	t.Run("MisreadPlate", func(t *testing.T) {
		// S for 5: a reader's usual confusion.
		_, body, _ := b.get("/console/stays?" + url.Values{"lot": {s.Lot}, "plate": {"沪A1234S"}}.Encode())
		row := regexp.MustCompile(`(?s)<table id="inside">.*?</table>`).FindString(body)
		if !strings.Contains(row, "/console/stays/"+d.StayID) || !strings.Contains(row, "look-alike characters") {
			t.Fatalf("a misread plate does not find the car:\n%s", body)
		}
	})
	t.Run("EndOfPlate", func(t *testing.T) {
		_, body, _ := b.get("/console/stays?" + url.Values{"lot": {s.Lot}, "plate": {"2345"}}.Encode())
		if !strings.Contains(body, "/console/stays/"+d.StayID) || !strings.Contains(body, "ends with") ||
			!strings.Contains(body, "A partial plate finds only the cars inside.") {
			t.Fatalf("the end of a plate does not find the car:\n%s", body)
		}
	})
	t.Run("Breakdown", func(t *testing.T) {
		// 15 free minutes, then 2.00 per started half hour: 60 minutes is
		// two half hours, 4.00 CNY, all of it due.
		st, body, _ := b.get("/console/stays/" + d.StayID)
		if st != http.StatusOK {
			t.Fatalf("%d\n%s", st, body)
		}
		for id, want := range map[string]string{"gross": "4.00 CNY", "total": "4.00 CNY", "paid": "0.00 CNY", "due": "<strong>4.00 CNY</strong>"} {
			if !strings.Contains(body, `id="`+id+`">`+want+`<`) {
				t.Errorf("%s is not %s:\n%s", id, want, body)
			}
		}
		q, err := s.Sys.Billing.CreateQuote(s.Ctx, d.StayID, "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Sys.Billing.Pay(s.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 400, Method: "cash"}); err != nil {
			t.Fatal(err)
		}
		_, body, _ = b.get("/console/stays/" + d.StayID)
		if !strings.Contains(body, `id="paid">4.00 CNY<`) || !strings.Contains(body, `id="due"><strong>0.00 CNY</strong><`) {
			t.Fatalf("after paying 4.00:\n%s", body)
		}
		tl := regexp.MustCompile(`(?s)<ol class="timeline" id="timeline">.*?</ol>`).FindString(body)
		entry, quote, pay := strings.Index(tl, "tl-entry"), strings.Index(tl, "tl-quote"), strings.Index(tl, "tl-payment")
		if entry < 0 || quote < entry || pay < quote || !strings.Contains(tl, "4.00 CNY") {
			t.Fatalf("timeline (entry, then the quote, then the payment of 4.00):\n%s", tl)
		}
		// The quote was taken at 15:00 local for 4.00 and, with the lot's
		// default five minutes, was valid until 15:05.
		ql := regexp.MustCompile(`<li class="tl-quote">.*?</li>`).FindString(tl)
		if !strings.Contains(ql, "<time>2026-11-23 15:00</time>") || !strings.Contains(ql, "test 4.00 CNY") ||
			!strings.Contains(ql, `<time class="expires">2026-11-23 15:05</time>`) {
			t.Fatalf("quote on the timeline (15:00, 4.00, valid until 15:05):\n%s", ql)
		}
	})
	t.Run("OtherLotHidden", func(t *testing.T) {
		o := s.browser(t)
		o.mustLogin("other")
		if st, _, _ := o.get("/console/stays/" + d.StayID); st != http.StatusNotFound {
			t.Fatalf("another lot's stay: %d, want 404", st)
		}
		if st, _, _ := o.get("/console/stays?lot=" + s.Lot + "&plate=12345"); st != http.StatusNotFound {
			t.Fatalf("another lot's search: %d, want 404", st)
		}
	})
}

// TestStaysOfARegular: a plate with more stays than the page shows (a
// commuter) lists its newest ones, the stay inside now first, not its
// oldest.
func TestStaysOfARegular(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	now := s.Clock.Now()
	start := now.Add(-60 * 24 * time.Hour)
	var ids []string
	for i := range 55 { // one stay a day for 55 days, then one inside now
		// Each read live when the car passed: the clock moves with them
		// (a live read dated days back is taken as a wrong lane clock).
		in := start.Add(time.Duration(i) * 24 * time.Hour)
		s.Clock.Set(in)
		ids = append(ids, s.Event(t, park.EventEntry, "沪A12345", in).StayID)
		s.Clock.Set(in.Add(10 * time.Minute))
		s.Event(t, park.EventExit, "沪A12345", in.Add(10*time.Minute))
	}
	s.Clock.Set(now)
	ids = append(ids, s.Event(t, park.EventEntry, "沪A12345", now.Add(-time.Minute)).StayID)
	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/stays?" + url.Values{"lot": {s.Lot}, "plate": {"沪A12345"}}.Encode())
	past := regexp.MustCompile(`(?s)<table id="past">.*?</table>`).FindString(body)
	links := regexp.MustCompile(`/console/stays/([0-9a-f-]+)"`).FindAllStringSubmatch(past, -1)
	// 56 stays: the page shows 50, from the one inside now back to the
	// seventh stay (ids[55] down to ids[6]).
	if len(links) != 50 || links[0][1] != ids[55] || links[49][1] != ids[6] {
		var got []string
		for _, l := range links {
			got = append(got, l[1])
		}
		t.Fatalf("stays of the plate %d, first %v, last %v; want 50 from %s to %s", len(got), got[:min(1, len(got))],
			got[max(0, len(got)-1):], ids[55], ids[6])
	}
}

// TestStayCouponLine: a coupon's deduction line names the coupon once.
func TestStayCouponLine(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	d := s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now().Add(-time.Hour))
	if _, err := s.Sys.Billing.IssueCoupon(s.Ctx, billing.CouponInput{LotCode: s.Lot, ID: "c-42", Plate: "沪A12345",
		Kind: park.CouponPercent, Value: 50, Merchant: "Shop"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/stays/" + d.StayID)
	if n := strings.Count(body, "c-42"); n != 1 || !strings.Contains(body, "coupon c-42 (Shop)") {
		t.Fatalf("the coupon line names c-42 %d times, want once as \"coupon c-42 (Shop)\":\n%s", n, body)
	}
}

// TestStaysSearchTooShortInOperatorsLanguage: a search with fewer
// characters than the fuzzy search takes (plate.MinFuzzyQuery, 4) is
// refused (400) saying so, with the number, in the operator's language,
// not only "invalid plate", which leaves the operator guessing.
func TestStaysSearchTooShortInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for name, lang := range map[string]string{"li": "zh", "maria": "pt", "ana": "en"} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: name, Role: park.RoleAdmin, Language: lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	for name, want := range map[string]string{
		"li":    "车牌请至少输入 4 个字符。",
		"maria": "Digite pelo menos 4 caracteres da placa.",
		"ana":   "plate: give at least 4 characters of the plate",
	} {
		t.Run(name, func(t *testing.T) {
			b := s.browser(t)
			b.mustLogin(name)
			st, body, _ := b.get("/console/stays?lot=" + s.Lot + "&plate=A12")
			if m := message.FindStringSubmatch(body); st != http.StatusBadRequest || m == nil || m[1] != want {
				t.Errorf("%d %q, want 400 %q", st, m, want)
			}
		})
	}
}

// TestStaysSearchRefusalKeepsTheForm: a search the core refuses (too
// short, a character no plate has) answers 400 on the search page itself,
// the refusal beside the field and the plate and lot as typed, so the
// operator corrects the plate rather than going back to type it again.
func TestStaysSearchRefusalKeepsTheForm(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("ana")
	for plate, want := range map[string]string{
		"A12":      "plate: give at least 4 characters of the plate",
		"沪A<1234>": "plate: unexpected character &#39;&lt;&#39;",
	} {
		st, body, _ := b.get("/console/stays?lot=" + s.Lot + "&plate=" + url.QueryEscape(plate))
		if st != http.StatusBadRequest || !strings.Contains(body, `id="error-message">`+want+`<`) {
			t.Errorf("%q: %d, want 400 saying %q\n%s", plate, st, want, body)
		}
		if !strings.Contains(body, `name="plate" value="`+template.HTMLEscapeString(plate)+`"`) ||
			!strings.Contains(body, `<option value="`+s.Lot+`" selected>`) || !strings.Contains(body, `id="search"`) {
			t.Errorf("%q: the search form is not shown again with what was typed\n%s", plate, body)
		}
		if strings.Contains(body, `id="inside"`) || strings.Contains(body, `id="past"`) {
			t.Errorf("%q: a refused search shows results", plate)
		}
	}
}
