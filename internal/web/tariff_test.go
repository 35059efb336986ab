package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

func TestTariff(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleLotOperator, s.Lot)
	s.user(t, "viewer", park.RoleReadOnly)
	page := "/console/lots/" + s.Lot + "/tariff"
	b := s.browser(t)
	b.mustLogin("ana")
	st, body, _ := b.get(page)
	if st != http.StatusOK || !strings.Contains(body, `value="2026-11-23T18:00"`) || !strings.Contains(body, `value="2026-11-24T09:00"`) {
		t.Fatalf("tariff page (preview from 18:00 today to 09:00 tomorrow, local): %d\n%s", st, body)
	}
	form := func(action, doc string) url.Values {
		return url.Values{"action": {action}, "tariff": {doc}, "entry": {"2026-11-23T18:00"}, "exit": {"2026-11-24T09:00"},
			"vehicle_class": {"small"}}
	}
	t.Run("Preview", func(t *testing.T) {
		v0, _ := s.Sys.Gate.GetLot(s.Ctx, s.Lot)
		// The lot's tariff: 15 free minutes, then 2.00 per started half
		// hour. 18:00 to 09:00 is 15 h, 30 half hours: 60.00 CNY.
		_, body, _ := b.post(page, form("preview", systemtest.TestTariff))
		if !strings.Contains(body, `id="preview-total">60.00 CNY<`) {
			t.Fatalf("preview:\n%s", body)
		}
		// 3.00 per started hour: 15 hours, 45.00; nothing saved.
		_, body, _ = b.post(page, form("preview", `{"every":{"minutes":60,"price":300}}`))
		if !strings.Contains(body, `id="preview-total">45.00 CNY<`) {
			t.Fatalf("preview of an edit:\n%s", body)
		}
		if l, _ := s.Sys.Gate.GetLot(s.Ctx, s.Lot); l.TariffVersion != v0.TariffVersion || string(l.Tariff) != string(v0.Tariff) {
			t.Fatalf("a preview changed the tariff: v%d %s", l.TariffVersion, l.Tariff)
		}
	})
	t.Run("ErrorInPlace", func(t *testing.T) {
		st, body, _ := b.post(page, form("save", `{"every":{"minutes":60}}`))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, `id="tariff-error"><strong>tariff.every`) ||
			!strings.Contains(body, `aria-invalid="true" aria-describedby="tariff-error"`) || !strings.Contains(body, `{&#34;every&#34;:{&#34;minutes&#34;:60}}`) {
			t.Fatalf("an invalid tariff: %d\n%s", st, body)
		}
		_, body, _ = b.post(page, form("preview", "{not json"))
		if !strings.Contains(body, `id="tariff-error"`) {
			t.Fatalf("malformed JSON gives no message:\n%s", body)
		}
	})
	t.Run("Save", func(t *testing.T) {
		before, _ := s.Sys.Gate.GetLot(s.Ctx, s.Lot)
		b.get(page)
		st, _, loc := b.post(page, form("save", `{"every":{"minutes":60,"price":300}}`))
		if st != http.StatusSeeOther || loc != page+"?saved=1" {
			t.Fatalf("save: %d to %q", st, loc)
		}
		after, _ := s.Sys.Gate.GetLot(s.Ctx, s.Lot)
		if after.TariffVersion != before.TariffVersion+1 || !strings.Contains(string(after.Tariff), `"price":300`) {
			t.Fatalf("saved tariff v%d %s (was v%d)", after.TariffVersion, after.Tariff, before.TariffVersion)
		}
		es, err := s.AuditLog(park.AuditFilter{Actor: "ana", Lot: s.Lot})
		if err != nil || len(es) == 0 || es[0].Action != "tariff.update" || es[0].Before != string(before.Tariff) ||
			es[0].After != string(after.Tariff) {
			t.Fatalf("audit %+v, %v", es, err)
		}
	})
	t.Run("ReadOnlyMayPreviewNotSave", func(t *testing.T) {
		v := s.browser(t)
		v.mustLogin("viewer")
		_, body, _ := v.get(page)
		if strings.Contains(body, `id="save"`) {
			t.Fatal("a read-only operator is offered Save")
		}
		if _, body, _ := v.post(page, form("preview", `{"every":{"minutes":60,"price":300}}`)); !strings.Contains(body, "45.00 CNY") {
			t.Fatalf("a read-only preview:\n%s", body)
		}
		if st, _, _ := v.post(page, form("save", `{"every":{"minutes":60,"price":100}}`)); st != http.StatusForbidden {
			t.Fatalf("a read-only save: %d, want 403", st)
		}
	})
}

// TestTariffPreviewOverDST: the preview's default is 18:00 today to 09:00
// tomorrow on the lot's clock, also on the night its clocks go back
// (Berlin, 25 October 2026, 03:00 to 02:00: 16 hours, not 15).
func TestTariffPreviewOverDST(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	if _, err := s.Sys.Gate.CreateLot(s.Ctx, &park.Lot{Code: "BER", Name: "Berlin", TimeZone: "Europe/Berlin", Currency: "EUR",
		Capacity: 5, MissedEntry: park.MissedEntryHold, Tariff: json.RawMessage(systemtest.TestTariff)}); err != nil {
		t.Fatal(err)
	}
	s.Clock.Set(time.Date(2026, 10, 24, 10, 0, 0, 0, time.UTC)) // noon in Berlin
	b := s.browser(t)
	b.mustLogin("ana")
	_, body, _ := b.get("/console/lots/BER/tariff")
	if !strings.Contains(body, `value="2026-10-24T18:00"`) || !strings.Contains(body, `value="2026-10-25T09:00"`) {
		t.Fatalf("tariff page: want 2026-10-24T18:00 to 2026-10-25T09:00\n%s", body)
	}
}

// A tariff the parser refuses is explained in the operator's language:
// the field as the document names it, the rule that refused it worded,
// and where a JSON error is, by line and column; never the parser's
// English.
func TestTariffRefusalInOperatorsLanguage(t *testing.T) {
	s := newSite(t)
	for _, o := range []struct{ name, lang string }{{"li", "zh"}, {"maria", "pt"}} {
		if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: o.name, Role: park.RoleAdmin, Language: o.lang,
			Password: pw}); err != nil {
			t.Fatal(err)
		}
	}
	page := "/console/lots/" + s.Lot + "/tariff"
	form := func(doc, entry string) url.Values {
		return url.Values{"action": {"preview"}, "tariff": {doc}, "entry": {entry}, "exit": {"2026-11-24T09:00"},
			"vehicle_class": {"small"}}
	}
	// The parser names the field whose value it was reading. The x is
	// the 12th character of the second line: two spaces,
	// "every" (7), the colon and a space before it.
	const broken = "{\n  \"every\": x\n}"
	refusal := regexp.MustCompile(`id="tariff-error">([^<]*)<small class="hint"( lang="en")?>([^<]*)</small>`)
	for _, c := range []struct {
		who, doc, entry string
		message, hint   string
	}{
		{"li", `{"every":{"minutes":60}}`, "2026-11-23T18:00", "输入有误：tariff.every.price", "此项必填"},
		{"maria", `{"every":{"minutes":60}}`, "2026-11-23T18:00", `Dado inválido no campo "tariff.every.price"`, "campo obrigatório"},
		{"li", `{"every":{"minutes":"60","price":300}}`, "2026-11-23T18:00", "输入有误：tariff.every.minutes",
			"值的类型不对（数字、文本、true/false、对象或数组）"},
		{"maria", `{"every":{"minutes":60,"price":300},"bands":[{"name":"day","from":"8h","to":"20:00"}]}`, "2026-11-23T18:00",
			`Dado inválido no campo "tariff.bands[0].from"`, "formato inválido (um horário é HH:MM)"},
		// The parser's numbers: the range a value must be in (a block
		// is 1 minute to a leap year, 366×24×60 = 527040), and where
		// bands leave the day uncovered or overlap.
		{"li", `{"every":{"minutes":0,"price":300}}`, "2026-11-23T18:00", "输入有误：tariff.every.minutes", "须在 1 到 527040 之间"},
		{"maria", `{"every":{"minutes":0,"price":300}}`, "2026-11-23T18:00", `Dado inválido no campo "tariff.every.minutes"`,
			"deve estar entre 1 e 527040"},
		{"li", `{"every":{"minutes":60,"price":300},"bands":[{"name":"night","from":"00:00","to":"08:00"},` +
			`{"name":"day","from":"09:00","to":"24:00"}]}`, "2026-11-23T18:00", "输入有误：tariff.bands", "08:00 至 09:00 未被覆盖"},
		{"maria", `{"every":{"minutes":60,"price":300},"bands":[{"name":"night","from":"00:00","to":"08:00"},` +
			`{"name":"day","from":"09:00","to":"24:00"}]}`, "2026-11-23T18:00", `Dado inválido no campo "tariff.bands"`,
			"de 08:00 a 09:00 não está coberto"},
		{"li", `{"every":{"minutes":60,"price":300},"bands":[{"name":"night","from":"00:00","to":"10:00"},` +
			`{"name":"day","from":"09:00","to":"24:00"}]}`, "2026-11-23T18:00", "输入有误：tariff.bands[1]", "自 09:00 起与另一段重叠"},
		{"li", broken, "2026-11-23T18:00", "输入有误：tariff.every", "JSON 格式错误，位于第 2 行第 12 列"},
		{"maria", broken, "2026-11-23T18:00", `Dado inválido no campo "tariff.every"`, "JSON inválido, na linha 2, coluna 12"},
		// A time the form cannot read is the console's own refusal.
		{"li", `{"every":{"minutes":60,"price":300}}`, "yesterday", "输入有误：入场时间不是有效的日期时间", ""},
	} {
		b := s.browser(t)
		b.mustLogin(c.who)
		b.get(page)
		st, body, _ := b.post(page, form(c.doc, c.entry))
		m := refusal.FindStringSubmatch(body)
		if c.hint == "" {
			want := `id="tariff-error">` + c.message + `</p>`
			if st != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), want) {
				t.Errorf("%s %s: %d, want 422 and %s\n%s", c.who, c.doc, st, want, body)
			}
			continue
		}
		if st != http.StatusUnprocessableEntity || m == nil || strings.TrimSpace(html.UnescapeString(m[1])) != c.message || m[2] != "" ||
			html.UnescapeString(m[3]) != c.hint {
			t.Errorf("%s %s: %d %q, want 422 %q with hint %q in the page's language\n%s", c.who, c.doc, st, m, c.message, c.hint, body)
		}
	}
}

// TestTariffPageOfAFreeLot: a lot without a tariff (the API's PUT null,
// or null saved here) parks free, and its tariff page says so in the
// operator's language; before, the page showed an empty box and nothing
// else, and its Preview answered only "tariff: is required".
func TestTariffPageOfAFreeLot(t *testing.T) {
	s := newSite(t)
	if _, err := s.Sys.Gate.SetTariff(s.Ctx, s.Lot, []byte("null")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sys.Operators.Add(s.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Language: "zh",
		Password: pw}); err != nil {
		t.Fatal(err)
	}
	s.user(t, "ana", park.RoleAdmin)
	for name, want := range map[string]string{
		"ana": "This lot has no tariff: parking here is free. Type a tariff document and save it to charge.",
		"li":  "本车场未设置收费标准：停车免费。输入收费标准文档并保存后开始收费。",
	} {
		b := s.browser(t)
		b.mustLogin(name)
		_, body, _ := b.get("/console/lots/" + s.Lot + "/tariff")
		if !strings.Contains(body, `id="tariff-free">`+want+`<`) {
			t.Errorf("%s: the page does not say the lot parks free:\n%s", name, body)
		}
	}
	// Its Preview prices as the lot does: the empty document (what the
	// page shows), or null, costs nothing.
	b := s.browser(t)
	b.mustLogin("ana")
	page := "/console/lots/" + s.Lot + "/tariff"
	b.get(page)
	for _, doc := range []string{"", "null"} {
		st, body, _ := b.post(page, url.Values{"action": {"preview"}, "tariff": {doc}, "entry": {"2026-11-23T18:00"},
			"exit": {"2026-11-24T09:00"}})
		if st != http.StatusOK || !strings.Contains(body, `id="preview-total">0.00 CNY<`) {
			t.Errorf("preview of %q on a free lot: %d\n%s", doc, st, body)
		}
	}
	// A lot with a tariff does not say so.
	s.user(t, "wang", park.RoleAdmin)
	if _, err := s.Sys.Gate.SetTariff(s.Ctx, s.Lot, []byte(`{"every":{"minutes":60,"price":500}}`)); err != nil {
		t.Fatal(err)
	}
	b = s.browser(t)
	b.mustLogin("wang")
	if _, body, _ := b.get(page); strings.Contains(body, `id="tariff-free"`) {
		t.Errorf("a lot with a tariff said to park free:\n%s", body)
	}
}
