package web_test

import (
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// A refusal of the core reads wholly in the operator's language: worded
// from its code and the field it names, never the core's English beside
// it, and the refused form changes nothing.
func TestRefusalsWhollyInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	now := s.Clock.Now()
	refused, err := s.Sys.Access.CreateDenyEntry(s.Ctx, s.Lot, "苏E12345", time.Time{}, time.Time{}, "unpaid fees")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Access.PutListEntry(s.Ctx, "", s.Lot, &park.WhitelistEntry{Plate: "沪A00001", Kind: park.AccessAllow,
		Category: park.ListWhite, ValidFrom: now, ValidTo: now.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	entries := func() string { // the lot's lists as they stand
		t.Helper()
		es, err := s.Sys.Access.ListWhitelist(s.Ctx, s.Lot)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Plate+" "+e.Kind+" "+e.Reason+" "+e.ValidFrom.String()+" "+e.ValidTo.String())
		}
		return strings.Join(out, "; ")
	}
	before := entries()
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	page := "/console/lots/" + s.Lot + "/access"
	zh, pt := s.browser(t), s.browser(t)
	zh.mustLogin("li")
	pt.mustLogin("maria")
	for _, c := range []struct {
		name   string
		b      *browser
		path   string
		form   url.Values
		status int
		want   string
	}{
		// The deny list refuses a plate it has already, and one on the
		// whitelist: a plate has one entry a lot.
		{"DenyAgain", zh, "/deny", url.Values{"plate": {"苏E12345"}, "reason": {"again"}}, http.StatusConflict, "车牌已在本车场的名单中。"},
		{"DenyWhitelisted", pt, "/deny", url.Values{"plate": {"沪A00001"}, "reason": {"again"}}, http.StatusConflict,
			"A placa já está em uma lista deste estacionamento."},
		{"WhitelistRefused", zh, "/whitelist", url.Values{"plate": {"苏E12345"}, "valid_from": {"2026-11-23T00:00"},
			"valid_to": {"2026-11-30T00:00"}}, http.StatusConflict, "车牌已在本车场的名单中。"},
		{"NotATimeZh", zh, "/deny", url.Values{"plate": {"苏E33333"}, "valid_from": {"soon"}}, http.StatusBadRequest,
			"输入有误：开始不是有效的日期时间"},
		{"NotATimePt", pt, "/whitelist", url.Values{"plate": {"苏E33333"}, "valid_from": {"2026-11-23T00:00"}, "valid_to": {"31/12/2026"}},
			http.StatusBadRequest, "Dado inválido no campo &#34;Até&#34;: não é uma data e hora"},
		{"EndsBeforeStart", pt, "/deny", url.Values{"plate": {"苏E33333"}, "valid_from": {"2026-11-30T09:00"}, "valid_to": {"2026-11-23T09:00"}},
			http.StatusBadRequest, "Dado inválido no campo &#34;Até&#34;: o fim deve ser depois do início"},
		{"EndsBeforeStartZh", zh, "/whitelist", url.Values{"plate": {"苏E33333"}, "valid_from": {"2026-11-30T09:00"}, "valid_to": {"2026-11-30T09:00"}},
			http.StatusBadRequest, "输入有误：结束须晚于开始"},
		{"NoPlate", zh, "/whitelist", url.Values{"plate": {" "}, "valid_from": {"2026-11-23T00:00"}, "valid_to": {"2026-11-30T00:00"}},
			http.StatusBadRequest, "输入有误：车牌（未填写）"},
		// 京A12 has 4 characters; a Chinese plate has 7 or 8.
		{"PlateLengthPt", pt, "/whitelist", url.Values{"plate": {"京A12"}, "valid_from": {"2026-11-23T00:00"}, "valid_to": {"2026-11-30T00:00"}},
			http.StatusBadRequest, "Dado inválido no campo &#34;Placa&#34;: tem 4 caracteres; a placa deve ter 7–8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.b.get(page)
			st, body, _ := c.b.post("/console/lots/"+s.Lot+c.path, c.form)
			m := message.FindStringSubmatch(body)
			if st != c.status || m == nil || m[1] != c.want {
				t.Errorf("%d %q, want %d %q\n%s", st, m, c.status, c.want, body)
			}
			if strings.Contains(body, `id="error-detail"`) || strings.Contains(body, "already") || strings.Contains(body, "must be") ||
				strings.Contains(body, "is not a date") {
				t.Errorf("the core's English is on the page:\n%s", body)
			}
			if got := entries(); got != before {
				t.Errorf("a refused form changed the lists:\n%s\nwas\n%s", got, before)
			}
		})
	}
	// Close on a lane held open is refused until it is released.
	s.Event(t, park.EventEntry, "沪A12345", now.Add(-time.Hour)) // the camera reports lane in-1
	lanes := "/console/lots/" + s.Lot + "/lanes"
	pt.get(lanes)
	if st, _, _ := pt.post(lanes+"/in-1/command", url.Values{"confirmed": {"1"}, "command": {"hold_open"}, "reason": {"evento"}}); st != http.StatusSeeOther {
		t.Fatalf("hold open: %d", st)
	}
	for _, c := range []struct {
		b    *browser
		want string
	}{{zh, "车道处于常开状态，请先取消常开再关闸。"}, {pt, "A pista está mantida aberta; volte-a ao normal antes de fechar."}} {
		c.b.get(lanes)
		st, body, _ := c.b.post(lanes+"/in-1/command", url.Values{"command": {"close"}})
		if m := message.FindStringSubmatch(body); st != http.StatusConflict || m == nil || m[1] != c.want || strings.Contains(body, "release it") {
			t.Errorf("close a held lane: %d %q, want %q\n%s", st, m, c.want, body)
		}
	}
	if hold, err := s.Sys.Gate.LaneHold(s.Ctx, s.Lot, "in-1"); err != nil || hold == nil {
		t.Errorf("after the refused closes the lane is not held: %v, %v", hold, err)
	}
	// An operator's name taken is said so, beside the form.
	pt.get("/console/audit")
	st, body, _ := pt.post("/console/users", url.Values{"name": {"li"}, "role": {"read_only"}, "language": {"pt"},
		"password": {"another long passphrase"}})
	if m := regexp.MustCompile(`id="add-user-error">([^<]*)<`).FindStringSubmatch(body); st != http.StatusConflict || m == nil ||
		m[1] != "Este nome já está em uso." {
		t.Errorf("a taken name: %d %q\n%s", st, m, body)
	}
	// A password out of bounds, and an admin demoting or disabling
	// themselves, are told which rule refused them.
	pt.get("/console/audit")
	st, body, _ = pt.post("/console/users", url.Values{"name": {"joao"}, "role": {"read_only"}, "language": {"pt"},
		"password": {"curta"}})
	if m := regexp.MustCompile(`id="add-user-error">([^<]*)<`).FindStringSubmatch(body); st != http.StatusUnprocessableEntity ||
		m == nil || m[1] != "A senha deve ter de 12 a 256 caracteres." {
		t.Errorf("a short password: %d %q\n%s", st, m, body)
	}
	userError := regexp.MustCompile(`id="user-error">([^<]*)<`)
	for _, c := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"role": {"read_only"}, "language": {"zh"}}, "不能取消自己的管理员角色，可由其他管理员操作。"},
		{url.Values{"role": {"admin"}, "language": {"zh"}, "disabled": {"on"}}, "不能停用自己，可由其他管理员操作。"},
	} {
		zh.get("/console/users/li")
		st, body, _ := zh.post("/console/users/li", c.form)
		if m := userError.FindStringSubmatch(body); st != http.StatusUnprocessableEntity || m == nil || m[1] != c.want {
			t.Errorf("%v: %d %q, want %q\n%s", c.form, st, m, c.want, body)
		}
	}
	if o, err := s.Sys.Operators.Get(s.Ctx, "li"); err != nil || o.Role != park.RoleAdmin || o.Language != "zh" || o.Disabled {
		t.Errorf("the refused changes' operator: %+v, %v", o, err)
	}
	if _, err := s.Sys.Operators.Get(s.Ctx, "joao"); !park.IsCode(err, park.ENotFound) {
		t.Errorf("an operator with a short password was made: %v", err)
	}
	if _, err := s.Sys.Access.GetWhitelist(s.Ctx, s.Lot, refused.ID); err != nil {
		t.Fatal(err)
	}
}

// Remove on a deny list row asks first, on a page of its own that needs
// no script: the question names the plate in the operator's language,
// asking removes nothing, and only its confirming form removes. Cancel
// leads back to the lists.
func TestRemoveAsksFirst(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	s.user(t, "wang", park.RoleReadOnly)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	e, err := s.Sys.Access.CreateDenyEntry(s.Ctx, s.Lot, "苏E12345", time.Time{}, time.Time{}, "unpaid fees")
	if err != nil {
		t.Fatal(err)
	}
	page := "/console/lots/" + s.Lot + "/access"
	ask := "/console/lots/" + s.Lot + "/deny/" + e.ID + "/delete"
	stillThere := func() bool {
		t.Helper()
		_, err := s.Sys.Access.GetWhitelist(s.Ctx, s.Lot, e.ID)
		if err != nil && !park.IsCode(err, park.ENotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	question := regexp.MustCompile(`id="confirm-question">([^<]*)<`)
	for _, c := range []struct{ who, want string }{
		{"ana", "Take 苏E12345 off the deny list? Its car will no longer be refused."},
		{"li", "确定将 苏E12345 移出黑名单吗？移出后将不再拒绝该车辆入场。"},
		{"maria", "Retirar 苏E12345 da lista negra? A entrada do veículo deixará de ser recusada."},
	} {
		b := s.browser(t)
		b.mustLogin(c.who)
		_, body, _ := b.get(page)
		// The row's Remove leads to the question; no form on the lists
		// page removes anything at once.
		if !strings.Contains(body, `<a href="`+ask+`" class="button secondary">`) || strings.Contains(body, `action="`+ask+`"`) {
			t.Fatalf("%s: the row's remove does not ask first:\n%s", c.who, body)
		}
		st, body, _ := b.get(ask)
		if m := question.FindStringSubmatch(body); st != http.StatusOK || m == nil || m[1] != c.want {
			t.Errorf("%s: %d %q, want %q\n%s", c.who, st, m, c.want, body)
		}
		if !strings.Contains(body, `<form method="post" action="`+ask+`"`) || !strings.Contains(body, `href="`+page+`" id="confirm-cancel"`) {
			t.Errorf("%s: the question has no confirming form or no way back:\n%s", c.who, body)
		}
		if !stillThere() {
			t.Fatalf("%s: asking removed the refusal", c.who)
		}
	}
	// A read-only operator is not asked, and an id that is no deny entry
	// is not found.
	ro := s.browser(t)
	ro.mustLogin("wang")
	if st, _, _ := ro.get(ask); st != http.StatusForbidden {
		t.Errorf("a read-only operator asked to remove: %d, want 403", st)
	}
	b := s.browser(t)
	b.mustLogin("li")
	if st, _, _ := b.get("/console/lots/" + s.Lot + "/deny/nope/delete"); st != http.StatusNotFound {
		t.Errorf("asking about no entry: %d, want 404", st)
	}
	// Confirming removes it.
	b.get(ask)
	if st, body, loc := b.post(ask, url.Values{}); st != http.StatusSeeOther || loc != page+"?undenied=1" {
		t.Fatalf("confirming: %d %q\n%s", st, loc, body)
	}
	if stillThere() {
		t.Fatal("confirming did not remove the refusal")
	}
}

// Sign out everywhere asks first too: asking leaves the operator signed
// in, confirming signs them out.
func TestSignOutEverywhereAsksFirst(t *testing.T) {
	s := newSite(t)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	op := s.browser(t)
	op.mustLogin("op")
	ask := "/console/users/op/revoke"
	a := s.browser(t)
	a.mustLogin("li")
	_, body, _ := a.get("/console/audit")
	if !strings.Contains(body, `<a href="`+ask+`" class="button secondary">全部退出</a>`) || strings.Contains(body, `action="`+ask+`"`) {
		t.Fatalf("sign out everywhere does not ask first:\n%s", body)
	}
	st, body, _ := a.get(ask)
	if m := regexp.MustCompile(`id="confirm-question">([^<]*)<`).FindStringSubmatch(body); st != http.StatusOK || m == nil ||
		m[1] != "确定让 op 在所有地方退出吗？该操作员的所有会话将立即结束。" || !strings.Contains(body, `id="confirm-yes">全部退出<`) {
		t.Errorf("%d %q\n%s", st, m, body)
	}
	if st, _, _ := op.get("/console/"); st != http.StatusOK {
		t.Fatalf("asking signed op out: %d", st)
	}
	if st, _, loc := a.post(ask, url.Values{}); st != http.StatusSeeOther || loc != "/console/audit?revoked=op" {
		t.Fatalf("confirming: %d to %q", st, loc)
	}
	if st, _, _ := op.get("/console/"); st != http.StatusSeeOther {
		t.Fatalf("op still signed in after confirming: %d", st)
	}
}

// confirmForm is what the confirmation page's form posts: its hidden
// fields, as a browser sends them.
func confirmForm(t *testing.T, body string) url.Values {
	t.Helper()
	f := regexp.MustCompile(`(?s)<form method="post" action="[^"]*" class="card narrow" id="confirm">.*?</form>`).FindString(body)
	if f == "" {
		t.Fatalf("no confirmation form:\n%s", body)
	}
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(f, -1) {
		v.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// Lifting a barrier, holding a lane open and sending a report again ask
// first, in the operator's language: the button's post changes nothing
// and shows the question; the question's own post acts.
func TestBarrierAndReplayAskFirst(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"ana", "en"}, {"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	sub := s.entrySubscriber(t, "App")
	s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now())
	ds, _, err := s.Sys.Deliveries.DeliveryPage(s.Ctx, deliveries.DeliveryQuery{PartnerID: "app"})
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries %v, %v", ds, err)
	}
	report := ds[0].ReportID
	lanes := "/console/lots/" + s.Lot + "/lanes"
	command := lanes + "/in-1/command"
	question := regexp.MustCompile(`id="confirm-question">([^<]*)<`)
	commands := func() int {
		t.Helper()
		log, err := s.Sys.Gate.GateLog(s.Ctx, s.Lot, "in-1", 10)
		if err != nil {
			t.Fatal(err)
		}
		return len(log)
	}
	replays := func() int {
		t.Helper()
		es, err := s.AuditLog(park.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range es {
			if e.Action == "delivery.replay" {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		who                string
		open, hold, replay string
		openYes, replayYes string
	}{
		{"ana", "Lift the barrier of lane in-1? The lift is logged as abnormal and reported to partners.",
			"Hold lane in-1 open? Every car passes until it is released.",
			"Send " + report + " to app again? The partner receives the report once more.", "Open", "Send again"},
		{"li", "确定抬起车道 in-1 的道闸吗？此次抬杆将记为异常抬杆并推送给合作方。",
			"确定将车道 in-1 设为常开吗？取消常开前所有车辆将直接通行。",
			"确定向 app 重新推送 " + report + " 吗？合作方将再次收到该推送。", "开闸", "重新推送"},
		{"maria", "Abrir a cancela da pista in-1? A abertura fica registrada como manual e é informada aos parceiros.",
			"Manter aberta a pista in-1? Todos os veículos passam até ela voltar ao normal.",
			"Enviar " + report + " de novo a app? O parceiro recebe o relatório mais uma vez.", "Abrir", "Enviar de novo"},
	} {
		b := s.browser(t)
		b.mustLogin(c.who)
		b.get(lanes)
		for _, a := range []struct{ command, want string }{{park.GateOpen, c.open}, {park.GateHoldOpen, c.hold}} {
			before := commands()
			st, body, _ := b.post(command, url.Values{"command": {a.command}, "reason": {"driver lost the ticket"}})
			if m := question.FindStringSubmatch(body); st != http.StatusOK || m == nil || html.UnescapeString(m[1]) != a.want {
				t.Errorf("%s %s: %d %q, want %q\n%s", c.who, a.command, st, m, a.want, body)
			}
			if !strings.Contains(body, `href="`+lanes+`" id="confirm-cancel"`) {
				t.Errorf("%s %s: no way back to the lanes", c.who, a.command)
			}
			if commands() != before {
				t.Fatalf("%s: asking to %s commanded the barrier", c.who, a.command)
			}
			if a.command == park.GateOpen && !strings.Contains(body, `id="confirm-yes">`+c.openYes+`<`) {
				t.Errorf("%s: the confirming button is not %q:\n%s", c.who, c.openYes, body)
			}
		}
		// Close and release act at once: they lift nothing.
		before := commands()
		if st, _, _ := b.post(command, url.Values{"command": {park.GateClose}}); st != http.StatusSeeOther || commands() != before+1 {
			t.Fatalf("%s: close: %d", c.who, st)
		}

		b.get("/console/deliveries?partner=app")
		n := replays()
		st, body, _ := b.post("/console/deliveries/replay", url.Values{"partner": {"app"}, "subscription": {sub.ID}, "report": {report}})
		if m := question.FindStringSubmatch(body); st != http.StatusOK || m == nil || html.UnescapeString(m[1]) != c.replay ||
			!strings.Contains(body, `id="confirm-yes">`+c.replayYes+`<`) {
			t.Errorf("%s replay: %d %q, want %q\n%s", c.who, st, m, c.replay, body)
		}
		if replays() != n {
			t.Fatalf("%s: asking sent the report again", c.who)
		}
	}

	// The question's own post acts: the barrier lifts once, with the
	// reason typed, and the report is sent again.
	b := s.browser(t)
	b.mustLogin("li")
	b.get(lanes)
	before := commands()
	_, body, _ := b.post(command, url.Values{"command": {park.GateOpen}, "reason": {"driver lost the ticket"}})
	st, _, loc := b.post(command, confirmForm(t, body))
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, lanes+"?sent=") || commands() != before+1 {
		t.Fatalf("confirming the lift: %d to %q, %d commands, want %d", st, loc, commands(), before+1)
	}
	if log, _ := s.Sys.Gate.GateLog(s.Ctx, s.Lot, "in-1", 1); log[0].Command != park.GateOpen || log[0].Reason != "driver lost the ticket" {
		t.Fatalf("the lift confirmed: %+v", log[0])
	}
	b.get("/console/deliveries?partner=app")
	n := replays()
	_, body, _ = b.post("/console/deliveries/replay", url.Values{"partner": {"app"}, "subscription": {sub.ID}, "report": {report}})
	st, _, loc = b.post("/console/deliveries/replay", confirmForm(t, body))
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/deliveries?partner=app&replayed=1") || replays() != n+1 {
		t.Fatalf("confirming the replay: %d to %q, %d replays, want %d", st, loc, replays(), n+1)
	}
}

// A page about something that is not there, or that the operator may
// not see, says which kind of thing and its id, in the operator's
// language, with 404.
func TestNotFoundSaysWhat(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	s.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "wang", Role: park.RoleLotOperator,
		Lots: []string{"OTHER"}, Language: "zh", Password: pw}); err != nil {
		t.Fatal(err)
	}
	sub := s.entrySubscriber(t, "App")
	d := s.Event(t, park.EventEntry, "沪A12345", s.Clock.Now())
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	const (
		zhSays = "未找到%s %s：不存在，或不在您可查看的车场范围内。"
		ptSays = "Não encontrado: %s %s. Não existe, ou não está entre os estacionamentos que você pode ver."
	)
	lanes := "/console/lots/" + s.Lot + "/lanes"
	for _, c := range []struct {
		who, path   string
		form        url.Values // a post's, after visiting page
		page        string
		kind, id    string
		zhKind      string
		ptKind      string
		onlyChinese bool
	}{
		{path: "/console/lots/NOPE/tariff", kind: "lot", id: "NOPE", zhKind: "车场", ptKind: "estacionamento"},
		{path: "/console/stays?lot=NOPE", kind: "lot", id: "NOPE", zhKind: "车场", ptKind: "estacionamento"},
		{path: "/console/stays/nope", kind: "stay", id: "nope", zhKind: "停车记录", ptKind: "estadia"},
		{path: "/console/users/nobody", kind: "operator", id: "nobody", zhKind: "操作员", ptKind: "operador"},
		{path: "/console/images/im9", kind: "image", id: "im9", zhKind: "图片", ptKind: "imagem"},
		{path: "/console/lots/" + s.Lot + "/deny/nope/delete", kind: "deny entry", id: "nope", zhKind: "黑名单记录",
			ptKind: "registro da lista negra"},
		{path: lanes + "/in-9/command", page: lanes, form: url.Values{"confirmed": {"1"}, "command": {"close"}}, kind: "lane", id: "in-9",
			zhKind: "车道", ptKind: "pista"},
		{path: "/console/deliveries/replay", page: "/console/deliveries", form: url.Values{"confirmed": {"1"}, "partner": {"app"},
			"subscription": {"nope"}, "report": {"r1"}}, kind: "subscription", id: "nope", zhKind: "订阅", ptKind: "assinatura"},
		{path: "/console/deliveries/replay", page: "/console/deliveries", form: url.Values{"confirmed": {"1"}, "partner": {"app"},
			"subscription": {sub.ID}, "report": {"r1"}}, kind: "report", id: "r1", zhKind: "推送", ptKind: "relatório"},
		// Another lot's stay reads as one that does not exist.
		{who: "wang", path: "/console/stays/" + d.StayID, kind: "stay", id: d.StayID, zhKind: "停车记录", onlyChinese: true},
		{who: "wang", path: "/console/lots/" + s.Lot + "/lanes", kind: "lot", id: s.Lot, zhKind: "车场", onlyChinese: true},
	} {
		for _, l := range []struct{ who, says, kind string }{{"li", zhSays, c.zhKind}, {"maria", ptSays, c.ptKind}} {
			if c.onlyChinese && l.who != "li" {
				continue
			}
			who := l.who
			if c.who != "" {
				who = c.who
			}
			b := s.browser(t)
			b.mustLogin(who)
			var st int
			var body string
			if c.form != nil {
				b.get(c.page)
				st, body, _ = b.post(c.path, maps.Clone(c.form)) // post sets the browser's token
			} else {
				st, body, _ = b.get(c.path)
			}
			want := fmt.Sprintf(l.says, l.kind, c.id)
			if m := message.FindStringSubmatch(body); st != http.StatusNotFound || m == nil || html.UnescapeString(m[1]) != want {
				t.Errorf("%s %s (a missing %s): %d %q, want 404 %q", who, c.path, c.kind, st, m, want)
			}
		}
	}
}

// TestWhitelistRemoveAsksFirst: a plate put on the whitelist (by mistake,
// or now to be refused) can be taken off it from its row, as a refusal
// can: Remove asks first, in the operator's language, and confirming
// removes it; before, the console could add a whitelist entry but never
// remove it, and the plate could then not be put on the deny list either.
func TestWhitelistRemoveAsksFirst(t *testing.T) {
	s := newSite(t)
	s.user(t, "wang", park.RoleReadOnly)
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleLotOperator,
		Lots: []string{s.Lot}, Language: "zh", Password: pw}); err != nil {
		t.Fatal(err)
	}
	e, err := s.Sys.Access.PutListEntry(s.Ctx, "", s.Lot, &park.WhitelistEntry{Plate: "苏E12345", Kind: park.AccessAllow,
		Category: park.ListWhite, ValidFrom: s.Clock.Now(), ValidTo: s.Clock.Now().AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	deny, err := s.Sys.Access.CreateDenyEntry(s.Ctx, s.Lot, "苏E54321", time.Time{}, time.Time{}, "unpaid fees")
	if err != nil {
		t.Fatal(err)
	}
	page := "/console/lots/" + s.Lot + "/access"
	ask := "/console/lots/" + s.Lot + "/whitelist/" + e.ID + "/delete"
	b := s.browser(t)
	b.mustLogin("li")
	_, body, _ := b.get(page)
	if !strings.Contains(body, `<a href="`+ask+`" class="button secondary">移除</a>`) {
		t.Fatalf("the whitelist row has no Remove:\n%s", body)
	}
	st, body, _ := b.get(ask)
	if m := regexp.MustCompile(`id="confirm-question">([^<]*)<`).FindStringSubmatch(body); st != http.StatusOK || m == nil ||
		m[1] != "确定将 苏E12345 移出白名单吗？移出后该车辆不再免费通行。" {
		t.Fatalf("%d %q\n%s", st, m, body)
	}
	// A deny entry is not the whitelist's to remove, and a read-only
	// operator may not.
	if st, _, _ := b.get("/console/lots/" + s.Lot + "/whitelist/" + deny.ID + "/delete"); st != http.StatusNotFound {
		t.Errorf("asking to remove a deny entry as a whitelist one: %d, want 404", st)
	}
	ro := s.browser(t)
	ro.mustLogin("wang")
	if st, _, _ := ro.get(ask); st != http.StatusForbidden {
		t.Errorf("a read-only operator asked to remove: %d, want 403", st)
	}
	b.get(ask)
	if st, body, loc := b.post(ask, url.Values{}); st != http.StatusSeeOther || loc != page+"?unlisted=1" {
		t.Fatalf("confirming: %d %q\n%s", st, loc, body)
	}
	if _, err := s.Sys.Access.GetWhitelist(s.Ctx, s.Lot, e.ID); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("confirming did not remove the entry: %v", err)
	}
	if _, body, _ := b.get(page + "?unlisted=1"); !strings.Contains(body, `id="unlisted">已移出白名单。<`) {
		t.Errorf("no word that the plate was taken off:\n%s", body)
	}
	// The deny entry is still there.
	if _, err := s.Sys.Access.GetWhitelist(s.Ctx, s.Lot, deny.ID); err != nil {
		t.Fatalf("the deny entry went too: %v", err)
	}
}

// TestPlateRefusalSaysWhatIsWanted: a plate of digits only, with no
// province character, is refused in the operator's language, naming
// what is wanted: seven characters without a province start with three
// letters, so the 1 of 1234567 stands where a letter is wanted; 123456
// and 12345678 have 6 and 8 characters where 7 are wanted. English keeps
// the core's own message. Nothing is added to the list.
func TestPlateRefusalSaysWhatIsWanted(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}, {"ed", "en"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	message := regexp.MustCompile(`id="error-message">([^<]*)<`)
	page := "/console/lots/" + s.Lot + "/access"
	for _, c := range []struct{ operator, plate, want string }{
		{"li", "1234567", "输入有误：车牌（“1”不能出现在此位置，此处应为字母）"},
		{"li", "123456", "输入有误：车牌（长度为 6 个字符，应为 7 个）"},
		{"li", "ABCD123", "输入有误：车牌（“D”不能出现在此位置，此处应为数字）"},
		{"maria", "1234567", `Dado inválido no campo "Placa": o caractere "1" não é permitido nessa posição, onde vai uma letra`},
		{"maria", "12345678", `Dado inválido no campo "Placa": tem 8 caracteres; a placa deve ter 7`},
		{"ed", "1234567", "plate: a Brazilian plate starts with three letters, not '1'"},
		{"ed", "123456", "plate: wrong length 6 for a plate without a province character (seven letters and digits, e.g. ABC1234; " +
			"a Chinese plate starts with its province, e.g. 京A12345)"},
	} {
		b := s.browser(t)
		b.mustLogin(c.operator)
		b.get(page)
		st, body, _ := b.post("/console/lots/"+s.Lot+"/whitelist", url.Values{"plate": {c.plate}, "valid_from": {"2026-11-23T00:00"},
			"valid_to": {"2026-11-30T00:00"}})
		m := message.FindStringSubmatch(body)
		if st != http.StatusBadRequest || m == nil || html.UnescapeString(m[1]) != c.want {
			t.Errorf("%s whitelists %s: %d %q, want 400 %q\n%s", c.operator, c.plate, st, m, c.want, body)
		}
		if c.operator != "ed" && strings.Contains(body, "Brazil") {
			t.Errorf("%s whitelists %s: the core's English is on the page:\n%s", c.operator, c.plate, body)
		}
		// The booking filter refuses it alike.
		st, body, _ = b.get("/console/lots/" + s.Lot + "/bookings?plate=" + c.plate)
		if m := message.FindStringSubmatch(body); st != http.StatusBadRequest || m == nil || html.UnescapeString(m[1]) != c.want {
			t.Errorf("%s filters bookings by %s: %d %q, want 400 %q\n%s", c.operator, c.plate, st, m, c.want, body)
		}
	}
	if es, err := s.Sys.Access.ListWhitelist(s.Ctx, s.Lot); err != nil || len(es) != 0 {
		t.Errorf("refused plates were listed: %v, %v", es, err)
	}
}
