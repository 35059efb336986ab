package postgres

import (
	"regexp"
	"slices"
	"sync"
)

// memo keeps, for one transaction, what GetLotSettings read beside a lot's
// settings in the same statement: its count of cars inside and the kinds
// of report anyone subscribed to for it. A gate event then asks
// CountInside and Subscribed without a round trip each. The answers are
// as fresh as the statement that read them, which under READ COMMITTED is
// what asking later would give, less what commits in between. A write of
// the transaction to a table they were read from drops them (forgets).
type memo struct {
	lots map[string]lotMemo
}

type lotMemo struct {
	inside     int64
	subscribed []string
}

func (m *memo) keep(code string, inside int64, subscribed []string) {
	if m.lots == nil {
		m.lots = map[string]lotMemo{}
	}
	m.lots[code] = lotMemo{inside: inside, subscribed: subscribed}
}

func (m *memo) count(code string) (int64, bool) {
	l, ok := m.lots[code]
	return l.inside, ok
}

func (m *memo) isSubscribed(code, kind string) (ok, known bool) {
	l, known := m.lots[code]
	return known && slices.Contains(l.subscribed, kind), known
}

// forgets reports whether a statement may change what the memo holds: it
// writes, and names a table the memo's answers come from or one whose
// rows deleting cascades to them. Answers are kept per statement text.
func forgets(sql string) bool {
	if v, ok := forgetting.Load(sql); ok {
		return v.(bool)
	}
	f := writes.MatchString(sql) && memoTables.MatchString(sql)
	forgetting.Store(sql, f)
	return f
}

var (
	forgetting sync.Map // statement text → forgets
	writes     = regexp.MustCompile(`(?i)\b(insert|update|delete|merge|truncate)\b`)
	memoTables = regexp.MustCompile(`(?i)\b(lots|lot_counts|partners|partner_lots|subscriptions)\b`)
)
