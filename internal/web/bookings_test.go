package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/access"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// bookingSite is a site at 2026-11-23 09:45 Shanghai (T0+45m) whose lot has
// the bookings of partner p1: NIGHT 京N12345 from 23:00 the day before to
// 02:00, never used (expired); CAR 京A12345 10:00-12:00, its car entered
// at 09:40; NEXT 京B12345 the next day 10:00-12:00; and OTHER's lot has
// 京X12345 10:00-12:00. li reads Chinese, maria Portuguese, op runs the
// site's lot and other the lot OTHER.
func bookingSite(t *testing.T) (s *site, carStay string) {
	t.Helper()
	s = newSite(t)
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	if _, err := s.Sys.Partners.CreatePartner(s.Ctx, &park.Partner{ID: "p1", Name: "p1", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{s.Lot, "OTHER"}}); err != nil {
		t.Fatal(err)
	}
	t0 := systemtest.T0
	book := func(lot, no, plate string, from, to time.Time) {
		t.Helper()
		if _, _, err := s.Sys.Access.SyncReservation(s.Ctx, access.ReservationInput{PartnerID: "p1", LotCode: lot, OrderNo: no,
			Kind: park.ReservationBooking, Plate: plate, From: from, To: to, Prepaid: 1500, MayEnter: true, MayExit: true}); err != nil {
			t.Fatal(err)
		}
	}
	s.Clock.Set(t0.Add(-12 * time.Hour)) // 21:00 the day before
	book(s.Lot, "NIGHT", "京N12345", t0.Add(-10*time.Hour), t0.Add(-7*time.Hour))
	book(s.Lot, "CAR", "京A12345", t0.Add(time.Hour), t0.Add(3*time.Hour))
	book(s.Lot, "NEXT", "京B12345", t0.Add(25*time.Hour), t0.Add(27*time.Hour))
	book("OTHER", "X", "京X12345", t0.Add(time.Hour), t0.Add(3*time.Hour))
	s.Clock.Set(t0.Add(45 * time.Minute))
	d := s.Event(t, park.EventEntry, "京A12345", t0.Add(40*time.Minute)) // 20 minutes early: let in on it
	for _, u := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: u.name, Role: park.RoleAdmin, Language: u.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	s.user(t, "other", park.RoleLotOperator, "OTHER")
	return s, d.StayID
}

var bookingRow = regexp.MustCompile(`(?s)<tr data-booking="([^"]*)">.*?</tr>`)

// bookingRows are a bookings page's rows by order number, in order.
func bookingRows(body string) (order []string, rows map[string]string) {
	rows = map[string]string{}
	for _, m := range bookingRow.FindAllStringSubmatch(body, -1) {
		order = append(order, m[1])
		rows[m[1]] = m[0]
	}
	return order, rows
}

// TestBookingsPage: a lot's bookings of the day, latest window first,
// each state in the operator's language, times in the lot's zone, the
// stay a booking was used by linked; another lot's are not there.
func TestBookingsPage(t *testing.T) {
	s, stay := bookingSite(t)
	page := "/console/lots/" + s.Lot + "/bookings"
	zh := s.browser(t)
	zh.mustLogin("li")
	st, body, _ := zh.get(page)
	if st != http.StatusOK {
		t.Fatalf("bookings: %d\n%s", st, body)
	}
	order, rows := bookingRows(body)
	// NIGHT (22-11 23:00 to 23-11 02:00) crosses midnight into the day.
	if strings.Join(order, " ") != "CAR NIGHT" {
		t.Fatalf("today's bookings %v, want CAR NIGHT\n%s", order, body)
	}
	for no, want := range map[string][]string{
		"CAR":   {"京A12345", "2026-11-23 10:00", "2026-11-23 12:00", "已入场", "p1", `href="/console/stays/` + stay + `"`, "¥15.00"},
		"NIGHT": {"京N12345", "2026-11-22 23:00", "2026-11-23 02:00", "已过期未使用", "—"},
	} {
		for _, w := range want {
			if !strings.Contains(rows[no], w) {
				t.Errorf("zh row %s lacks %q:\n%s", no, w, rows[no])
			}
		}
	}
	if strings.Contains(body, "京X12345") {
		t.Errorf("another lot's booking is on the page:\n%s", body)
	}
	if !strings.Contains(body, `href="/console/lots/`+s.Lot+`/bookings">预约订单</a>`) {
		t.Errorf("the lot's navigation does not link the bookings page:\n%s", body)
	}

	pt := s.browser(t)
	pt.mustLogin("maria")
	_, body, _ = pt.get(page)
	_, rows = bookingRows(body)
	if !strings.Contains(rows["CAR"], "veículo dentro") || !strings.Contains(rows["NIGHT"], "expirada sem uso") {
		t.Errorf("pt states:\n%s\n%s", rows["CAR"], rows["NIGHT"])
	}

	op := s.browser(t)
	op.mustLogin("op")
	for _, c := range []struct{ query, want string }{
		{"?day=2026-11-22", "NIGHT"},      // the night's first day
		{"?day=2026-11-24", "NEXT"},       // tomorrow
		{"?state=expired", "NIGHT"},       // booked, window over
		{"?state=inside", "CAR"},          // the car entered on it
		{"?plate=%E4%BA%ACa12345", "CAR"}, // 京a12345
		{"?day=2026-11-21", ""},
	} {
		st, body, _ := op.get(page + c.query)
		order, _ := bookingRows(body)
		if st != http.StatusOK || strings.Join(order, " ") != c.want {
			t.Errorf("op %s: %d %v, want %q", c.query, st, order, c.want)
		}
	}
	if st, _, _ := op.get(page + "?day=tomorrow"); st != http.StatusBadRequest {
		t.Errorf("a day that is no date: %d, want 400", st)
	}

	other := s.browser(t)
	other.mustLogin("other")
	if st, _, _ := other.get(page); st != http.StatusNotFound {
		t.Errorf("another lot's operator on the bookings page: %d, want 404", st)
	}
	if _, body, _ := other.get("/console/lots/OTHER/bookings"); !strings.Contains(body, "京X12345") || strings.Contains(body, "京A12345") {
		t.Errorf("OTHER's bookings page:\n%s", body)
	}
}

// TestFilterRefusalKeepsTheFilter: a filter of the bookings or coupons
// page the core refuses (a plate it cannot read) answers 400 on the page
// itself, the refusal above its filter and what was typed kept in it;
// before, a bare error page replaced the filter.
func TestFilterRefusalKeepsTheFilter(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	b := s.browser(t)
	b.mustLogin("ana")
	for _, c := range []struct{ path, field string }{
		{"/console/lots/" + s.Lot + "/bookings?day=2026-11-23&plate=A1", `<input id="plate" name="plate" value="A1">`},
		{"/console/lots/" + s.Lot + "/coupons?state=used&plate=A1", `<input id="coupon-plate" name="plate" value="A1">`},
	} {
		st, body, _ := b.get(c.path)
		if st != http.StatusBadRequest || !strings.Contains(body, `id="error-message">plate: `) {
			t.Errorf("%s: %d, want 400 with the plate's refusal\n%s", c.path, st, body)
		}
		if !strings.Contains(body, c.field) || !strings.Contains(body, `<form method="get"`) {
			t.Errorf("%s: the filter is not shown again with what was typed\n%s", c.path, body)
		}
	}
	if _, body, _ := b.get("/console/lots/" + s.Lot + "/bookings?day=2026-11-23&plate=A1"); !strings.Contains(body, `name="day" type="date" value="2026-11-23"`) {
		t.Errorf("the bookings filter lost its day:\n%s", body)
	}
	if _, body, _ := b.get("/console/lots/" + s.Lot + "/coupons?state=used&plate=A1"); !strings.Contains(body, `<option value="used" selected>`) {
		t.Errorf("the coupons filter lost its state:\n%s", body)
	}
}
