package web

import (
	"strings"
	"testing"

	"parkd/internal/park"
)

// TestReasonWords: every rule the core names a refusal by (park.Reasons)
// has the console's words in each of its languages, so a form never
// falls back to the core's English detail; a reason added to park
// without words fails here.
func TestReasonWords(t *testing.T) {
	for _, r := range park.Reasons() {
		k, ok := hintWords[r]
		if !ok {
			t.Errorf("reason %q has no words", r)
			continue
		}
		w, ok := words[k]
		if !ok {
			t.Errorf("reason %q: no word %q", r, k)
			continue
		}
		for i, lang := range park.Languages {
			if w[i] == "" {
				t.Errorf("reason %q has no %s word", r, lang)
			}
		}
		if p, ok := hintParams[r]; ok {
			for i, lang := range park.Languages {
				if pw := words[p.key][i]; pw == "" || strings.Count(pw, "%") != p.n {
					t.Errorf("reason %q: %s word %q with its %d params", r, lang, pw, p.n)
				}
			}
		}
	}
}

// TestNewReasonHints: the reasons added last (excludes, currency,
// unresolved, private, control_character) are worded with their params
// in the operator's language, not left to the English detail.
func TestNewReasonHints(t *testing.T) {
	refuse := func(field, reason string, params ...string) *park.Error {
		return park.Invalid(field, "refused").Because(reason, params...)
	}
	for _, c := range []struct {
		err        *park.Error
		lang, hint string
	}{
		{refuse("since", park.ReasonExcludes, "report_id"), "zh", "不能与 report_id 同时设置"},
		{refuse("since", park.ReasonExcludes, "report_id"), "pt", "não pode ser usado junto com report_id"},
		// The lot's currency first, then the dialect's.
		{refuse("lots", park.ReasonCurrency, "CNY", "BRL"), "zh", "车场以 CNY 计价，合作方接口使用 BRL"},
		{refuse("lots", park.ReasonCurrency, "CNY", "BRL"), "pt", "o estacionamento cobra em CNY; a interface do parceiro usa BRL"},
		{refuse("url", park.ReasonUnresolved), "zh", "主机名无法解析"},
		{refuse("url", park.ReasonUnresolved), "pt", "o nome do host não pode ser resolvido"},
		{refuse("url", park.ReasonPrivate), "zh", "主机是回环、内网或特殊用途地址"},
		{refuse("url", park.ReasonPrivate), "pt", "o host é um endereço de loopback, privado ou de uso especial"},
		// ESC after "Mall" (bytes 0-3) is byte 4; Chinese says the byte first.
		{refuse("name", park.ReasonControlCharacter, "U+001B", "4"), "zh", "第 4 字节处含有控制字符 U+001B"},
		{refuse("name", park.ReasonControlCharacter, "U+001B", "4"), "pt", "contém o caractere de controle U+001B no byte 4"},
	} {
		if got := describe(c.lang, c.err); got.Status != 400 || got.Hint != c.hint {
			t.Errorf("%s %s: %+v, want 400 with hint %q", c.err.Reason, c.lang, got, c.hint)
		}
	}
}
