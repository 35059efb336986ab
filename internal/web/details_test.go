package web_test

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/gate"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// chargerSite is a site whose lot has charger CP1 (two connectors) and
// the lot OTHER charger CP9; li reads Chinese, op runs the site's lot.
func chargerSite(t *testing.T) *site {
	t.Helper()
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	st, err := s.Sys.Charging.CreateStandard(s.Ctx, charging.StandardInput{Name: "ebike day", Family: park.FamilyTwoWheeler,
		Rules: park.ChargeRules{Kind: "time", MaxMinutes: 960, Payment: "prepaid", RefundTo: "payment",
			Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 100, BlockMinutes: 240}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ id, lot string }{{"CP1", s.Lot}, {"CP9", "OTHER"}} {
		if _, err := s.Sys.Charging.RegisterCharger(s.Ctx, charging.ChargerInput{ID: c.id, LotCode: c.lot, Family: park.FamilyTwoWheeler,
			Connectors: 2, Type: "ebike-10", StandardID: st.ID, Password: "0123456789abcdef"}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestChargerPage: one charger's page, linked from the list: what it is,
// whether it is online, each connector's state and what the charger last
// reported of it, the commands parkd sent it and its latest sessions.
func TestChargerPage(t *testing.T) {
	s := chargerSite(t)
	ch := s.Sys.Charging
	if _, err := ch.Booted(s.Ctx, "CP1", "Acme", "EB-2", "1.2.3"); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.ConnectorStatus(s.Ctx, "CP1", 2, "Faulted", "GroundFailure"); err != nil {
		t.Fatal(err)
	}
	// No charger connection here: the command finds the charger offline,
	// which its log keeps, and the session waits to start.
	cmd, err := ch.SendCommand(s.Ctx, "CP1", charging.Command{Kind: "unlock", Connector: 1})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := ch.StartSession(s.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 400, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	page := "/console/lots/" + s.Lot + "/chargers/CP1"
	b := s.browser(t)
	b.mustLogin("op")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/chargers")
	if !strings.Contains(body, `<a href="`+page+`">CP1</a>`) {
		t.Errorf("the chargers page does not link CP1's page:\n%s", body)
	}
	st, body, _ := b.get(page)
	if st != http.StatusOK {
		t.Fatalf("CP1's page: %d\n%s", st, body)
	}
	about := regexp.MustCompile(`(?s)<dl class="facts" id="charger">.*?</dl>`).FindString(body)
	if !strings.Contains(body, `<span class="code">CP1</span>`) {
		t.Errorf("CP1's page does not name it:\n%s", body)
	}
	for _, want := range []string{"ebike-10", "Acme EB-2 1.2.3", "ebike day", `<span class="ok">online</span> · operative`} {
		if !strings.Contains(about, want) {
			t.Errorf("CP1's page does not say %q:\n%s", want, about)
		}
	}
	ports := regexp.MustCompile(`(?s)<table id="ports">.*?</table>`).FindString(body)
	// Connector 1 has the session open, so it is busy whatever the
	// charger said; connector 2 is faulted as the charger reported.
	for _, want := range []string{`<tr data-connector="1"><td class="num">1</td><td>busy</td><td></td><td></td><td class="code">` + sess.ID + `</td>`,
		`<tr data-connector="2"><td class="num">2</td><td>fault</td><td>Faulted GroundFailure</td>`} {
		if !strings.Contains(ports, want) {
			t.Errorf("the connectors lack %q:\n%s", want, ports)
		}
	}
	cmds := regexp.MustCompile(`(?s)<table id="charger-commands">.*?</table>`).FindString(body)
	if !strings.Contains(cmds, "<td>UnlockConnector</td><td class=\"num\">1</td><td>"+cmd.Status) {
		t.Errorf("the commands lack %+v:\n%s", cmd, cmds)
	}
	sessions := regexp.MustCompile(`(?s)<table id="charge-sessions">.*?</table>`).FindString(body)
	if !strings.Contains(sessions, `<td class="code">`+sess.ID+`</td>`) || !strings.Contains(sessions, ">"+sess.Status+"<") {
		t.Errorf("the sessions lack %s (%s):\n%s", sess.ID, sess.Status, sessions)
	}
	if strings.Contains(body, "0123456789abcdef") {
		t.Fatal("a charger's password reached the page")
	}

	// In Chinese: the connector's state and the charger's availability.
	zh := s.browser(t)
	zh.mustLogin("li")
	_, body, _ = zh.get(page)
	if !strings.Contains(body, `<td>故障</td><td>Faulted GroundFailure</td>`) || !strings.Contains(body, "在线</span> · 可用") {
		t.Errorf("CP1's page in Chinese:\n%s", body)
	}
}

// A charger or device page names what it did not find: an unknown id, or
// one of another lot asked for under this lot's path.
func TestChargerAndDeviceNotFound(t *testing.T) {
	s := chargerSite(t)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "maria", Role: park.RoleAdmin, Language: "pt",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	const (
		zhSays = "未找到%s %s：不存在，或不在您可查看的车场范围内。"
		ptSays = "Não encontrado: %s %s. Não existe, ou não está entre os estacionamentos que você pode ver."
	)
	for _, c := range []struct{ path, id, zh, pt, en string }{
		{"chargers/NOPE", "NOPE", "未找到充电桩 NOPE：不存在，或不在您可查看的车场范围内。",
			"Não encontrado: carregador NOPE. Não existe, ou não está entre os estacionamentos que você pode ver.", "NOPE"},
		{"chargers/CP9", "CP9", "未找到充电桩 CP9：不存在，或不在您可查看的车场范围内。",
			"Não encontrado: carregador CP9. Não existe, ou não está entre os estacionamentos que você pode ver.", "CP9"},
		{"devices/cam-9", "cam-9", "未找到设备 cam-9：不存在，或不在您可查看的车场范围内。",
			"Não encontrado: dispositivo cam-9. Não existe, ou não está entre os estacionamentos que você pode ver.", "cam-9"},
	} {
		for who, want := range map[string]string{"li": c.zh, "maria": c.pt} {
			b := s.browser(t)
			b.mustLogin(who)
			st, body, _ := b.get("/console/lots/" + s.Lot + "/" + c.path)
			if m := message.FindStringSubmatch(body); st != http.StatusNotFound || m == nil || html.UnescapeString(m[1]) != want {
				t.Errorf("%s %s: %d %q, want 404 %q", who, c.path, st, m, want)
			}
		}
		b := s.browser(t)
		b.mustLogin("op")
		st, body, _ := b.get("/console/lots/" + s.Lot + "/" + c.path)
		if m := message.FindStringSubmatch(body); st != http.StatusNotFound || m == nil || !strings.Contains(html.UnescapeString(m[1]), `"`+c.id+`"`) {
			t.Errorf("op %s: %d %q, want 404 naming %q", c.path, st, m, c.id)
		}
	}
	// Another lot's operator does not see the lot at all.
	s.user(t, "other", park.RoleLotOperator, "OTHER")
	b := s.browser(t)
	b.mustLogin("other")
	if st, _, _ := b.get("/console/lots/" + s.Lot + "/chargers/CP1"); st != http.StatusNotFound {
		t.Errorf("another lot's operator on CP1's page: %d, want 404", st)
	}
}

// TestDevicePage: one device's page, linked from the list: what it is,
// its lane, whether it is online, and the barrier commands of its lane.
func TestDevicePage(t *testing.T) {
	bd := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{"test-cam"}})
	s := &site{Bundle: bd, srv: newServer(t, bd)}
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*park.Device{
		{Serial: "cam-1", LotCode: s.Lot, Lane: "in-1", Protocol: "test-cam", Addr: "http://192.0.2.9", Username: "admin",
			Password: "camera-secret"},
		{Serial: "cam-2", LotCode: s.Lot, Lane: "out-1", Direction: park.DirectionOut, Protocol: "test-cam",
			Addr: "http://admin:in-the-url@192.0.2.10:8080/api"},
	} {
		if err := s.Sys.Devices.Register(s.Ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	// An address without a scheme is refused now, but one registered
	// before that rule is still shown without its credentials.
	if err := s.Store.Update(s.Ctx, func(tx park.Tx) error {
		return tx.CreateDevice(s.Ctx, &park.Device{Serial: "cam-3", LotCode: s.Lot, Lane: "out-2", Kind: park.DeviceCamera,
			Direction: park.DirectionOut, Protocol: "test-cam", Addr: "admin:no-scheme@192.0.2.11:554",
			Since: s.Clock.Now(), CreatedAt: s.Clock.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now()) // lane in-1 reports
	if _, err := s.Sys.Gate.SendGateCommand(s.Ctx, gate.GateCommandInput{LotCode: s.Lot, Lane: "in-1", Command: park.GateClose,
		By: "operator:op", Reason: "stuck car"}); err != nil {
		t.Fatal(err)
	}
	page := "/console/lots/" + s.Lot + "/devices/cam-1"
	b := s.browser(t)
	b.mustLogin("op")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/devices")
	if !strings.Contains(body, `<a href="`+page+`">cam-1</a>`) {
		t.Errorf("the devices page does not link cam-1's page:\n%s", body)
	}
	st, body, _ := b.get(page)
	if st != http.StatusOK {
		t.Fatalf("cam-1's page: %d\n%s", st, body)
	}
	about := regexp.MustCompile(`(?s)<dl class="facts" id="device">.*?</dl>`).FindString(body)
	if !strings.Contains(body, `<span class="code">cam-1</span>`) {
		t.Errorf("cam-1's page does not name it:\n%s", body)
	}
	for _, want := range []string{"in-1 (in)", "camera", "test-cam", "http://192.0.2.9", `<span class="badge">offline</span>`} {
		if !strings.Contains(about, want) {
			t.Errorf("cam-1's page does not say %q:\n%s", want, about)
		}
	}
	log := regexp.MustCompile(`(?s)<table id="gate-log">.*?</table>`).FindString(body)
	if !strings.Contains(log, "<td>close</td>") || !strings.Contains(log, "stuck car") {
		t.Errorf("cam-1's lane's commands:\n%s", log)
	}
	if strings.Contains(body, "camera-secret") {
		t.Fatal("a device's password reached the page")
	}
	// out-1 never reported: its device's page has no commands, not an
	// error.
	// Nor does a password written into its address reach the page.
	if st, body, _ := b.get("/console/lots/" + s.Lot + "/devices/cam-2"); st != http.StatusOK || strings.Contains(body, "stuck car") ||
		strings.Contains(body, "in-the-url") || !strings.Contains(body, "http://192.0.2.10:8080/api") {
		t.Errorf("cam-2's page: %d\n%s", st, body)
	}
	if st, body, _ := b.get("/console/lots/" + s.Lot + "/devices/cam-3"); st != http.StatusOK || strings.Contains(body, "no-scheme") ||
		!strings.Contains(body, "192.0.2.11:554") {
		t.Errorf("cam-3's page: %d\n%s", st, body)
	}

	zh := s.browser(t)
	zh.mustLogin("li")
	_, body, _ = zh.get(page)
	if !strings.Contains(body, "in-1 (入口)") || !strings.Contains(body, "车牌识别相机") || !strings.Contains(body, "<td>关闸</td>") {
		t.Errorf("cam-1's page in Chinese:\n%s", body)
	}
}

// A charger's latest sessions, by when they last changed: the chargers
// page shows each charger's newest 5, its own page its newest 20,
// whatever their age; both newest first.
func TestChargerSessionsNewestFirst(t *testing.T) {
	s := chargerSite(t)
	ch := s.Sys.Charging
	c, err := ch.Charger(s.Ctx, "CP1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.RegisterCharger(s.Ctx, charging.ChargerInput{ID: "CP3", LotCode: s.Lot, Family: park.FamilyTwoWheeler,
		Connectors: 8, Type: "ebike-10", StandardID: c.StandardID, Password: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Booted(s.Ctx, "CP3", "Acme", "EB-3", "1"); err != nil {
		t.Fatal(err)
	}
	// Eight sessions, one a connector, oldest first: 8 days ago, 30 hours
	// ago, then one an hour from 6 hours ago to an hour ago.
	now := s.Clock.Now()
	var ids []string
	for i, ago := range []time.Duration{8 * 24 * time.Hour, 30 * time.Hour, 6 * time.Hour, 5 * time.Hour, 4 * time.Hour,
		3 * time.Hour, 2 * time.Hour, time.Hour} {
		s.Clock.Set(now.Add(-ago))
		sess, err := ch.StartSession(s.Ctx, charging.StartInput{ChargerID: "CP3", Connector: i + 1, Prepaid: 400, Source: "test"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sess.ID)
	}
	s.Clock.Set(now)
	b := s.browser(t)
	b.mustLogin("op")
	listed := func(page string) []string {
		_, body, _ := b.get(page)
		sessions := regexp.MustCompile(`(?s)<table id="charge-sessions">.*?</table>`).FindString(body)
		var got []string
		for _, m := range regexp.MustCompile(`<td class="code">(\d+)</td>`).FindAllStringSubmatch(sessions, -1) {
			got = append(got, m[1])
		}
		return got
	}
	if got, want := listed("/console/lots/"+s.Lot+"/chargers"), []string{ids[7], ids[6], ids[5], ids[4], ids[3]}; !slices.Equal(got, want) {
		t.Errorf("the chargers page shows CP3's sessions %v, want the newest 5 %v, the last hour's first", got, want)
	}
	want := slices.Clone(ids)
	slices.Reverse(want)
	if got := listed("/console/lots/" + s.Lot + "/chargers/CP3"); !slices.Equal(got, want) {
		t.Errorf("CP3's page shows its sessions %v, want all 8 newest first %v (8 days ago's last)", got, want)
	}
}

// The chargers page shows each charger's sessions under it, in the
// chargers' order, each its own newest first: not one list by time in
// which an operator must read the charger off every row. A charger that
// never charged says so; another lot's charger's sessions are not shown.
func TestChargerSessionsGrouped(t *testing.T) {
	s := chargerSite(t)
	ch := s.Sys.Charging
	c, err := ch.Charger(s.Ctx, "CP1")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"CP2", "CP3"} {
		if _, err := ch.RegisterCharger(s.Ctx, charging.ChargerInput{ID: id, LotCode: s.Lot, Family: park.FamilyTwoWheeler,
			Connectors: 2, Type: "ebike-10", StandardID: c.StandardID, Password: "0123456789abcdef"}); err != nil {
			t.Fatal(err)
		}
	}
	// Online, as chargers that connected are: one recorded offline is not
	// asked to start.
	for _, id := range []string{"CP1", "CP3", "CP9"} {
		if _, err := ch.Booted(s.Ctx, id, "", "", ""); err != nil {
			t.Fatal(err)
		}
	}
	// By time, CP3's and CP1's alternate: CP3 4 hours ago, CP1 3 hours
	// ago, CP3 2 hours ago; CP9, of the other lot, the newest.
	now := s.Clock.Now()
	start := func(charger string, connector int, ago time.Duration) string {
		t.Helper()
		s.Clock.Set(now.Add(-ago))
		sess, err := ch.StartSession(s.Ctx, charging.StartInput{ChargerID: charger, Connector: connector, Prepaid: 400, Source: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return sess.ID
	}
	old3 := start("CP3", 1, 4*time.Hour)
	one := start("CP1", 1, 3*time.Hour)
	new3 := start("CP3", 2, 2*time.Hour)
	other := start("CP9", 1, time.Hour)
	s.Clock.Set(now)

	b := s.browser(t)
	b.mustLogin("op")
	_, body, _ := b.get("/console/lots/" + s.Lot + "/chargers")
	table := regexp.MustCompile(`(?s)<table id="charge-sessions">.*?</table>`).FindString(body)
	var chargers []string
	listed := map[string][]string{}
	for _, g := range regexp.MustCompile(`(?s)<tbody data-charger="([^"]+)">(.*?)</tbody>`).FindAllStringSubmatch(table, -1) {
		chargers = append(chargers, g[1])
		listed[g[1]] = []string{}
		for _, m := range regexp.MustCompile(`<td class="code">(\d+)</td>`).FindAllStringSubmatch(g[2], -1) {
			listed[g[1]] = append(listed[g[1]], m[1])
		}
		if g[1] == "CP2" && !strings.Contains(g[2], "No charging sessions yet.") {
			t.Errorf("CP2's group does not say it has no sessions:\n%s", g[2])
		}
		if !strings.Contains(g[2], `<a href="/console/lots/`+s.Lot+`/chargers/`+g[1]+`">`+g[1]+`</a>`) {
			t.Errorf("%s's group does not name and link it:\n%s", g[1], g[2])
		}
	}
	if want := []string{"CP1", "CP2", "CP3"}; !slices.Equal(chargers, want) {
		t.Fatalf("the sessions are grouped under %v, want %v:\n%s", chargers, want, table)
	}
	for id, want := range map[string][]string{"CP1": {one}, "CP2": {}, "CP3": {new3, old3}} {
		if !slices.Equal(listed[id], want) {
			t.Errorf("under %s: %v, want %v", id, listed[id], want)
		}
	}
	if strings.Contains(body, `<td class="code">`+other+`</td>`) {
		t.Errorf("the other lot's session %s is on the page", other)
	}
}
