package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
)

// TestCardNumbersInPaymentFields: a card number in any payment field of
// any API (the native payment's and renewal payment's reference, an
// Ebopark TradeNo, of a parking payment, a pass renewal or an invoice
// query) is refused and never echoed, however it is written; real trade
// numbers (WeChat's and Alipay's 28 digits) pay as before.
func TestCardNumbersInPaymentFields(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	e := newCorpusEnv(t, teststore.Open(t), now)
	ctx := context.Background()
	// Three more cars inside, and a pass on plan m1 to renew.
	for i, p := range []string{"京A10001", "京A10002", "京A10003"} {
		if _, err := e.sys.Gate.HandleEvent(ctx, gate.EventInput{LotCode: "L1", ID: "card-in-" + p, Type: park.EventEntry,
			Plate: p, Lane: "in-1", At: now.Add(-time.Duration(i+1) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	e.wantStatus(t, e.admin("POST", "/v1/lots/L1/plans", `{"code":"m1","name":"Monthly","price":30000}`), 201)
	pass := e.wantStatus(t, e.admin("POST", "/v1/lots/L1/passes", `{"holder_name":"张伟","plates":["京B20001"],"plan":"m1",`+
		`"valid_from":"2026-11-01T00:00:00Z","valid_to":"2026-12-01T00:00:00Z"}`), 201)["id"].(string)

	cards := []string{"4111111111111111", "5500 0000 0000 0004", "4111.1111.1111.1111", "４１１１１１１１１１１１１１１１", "6200000000000005"}
	refused := func(t *testing.T, r testReply, card string) {
		t.Helper()
		if strings.Contains(r.body, card) || !strings.Contains(r.body, "card_data") && !strings.Contains(r.body, `"state":-1`) {
			t.Fatalf("%d %s: want card_data (or Ebopark's error state) and the number not echoed", r.status, r.body)
		}
	}
	ebo := func(op, body string) testReply {
		return e.do("POST", "/partnerService/"+op+"?partnerid=ebo&sign="+eboSecret, body)
	}
	for _, card := range cards {
		t.Run("Native/"+card, func(t *testing.T) {
			q := e.wantStatus(t, e.admin("POST", "/v1/stays/"+e.stayOf(t, "京A10001")+"/quotes", ""), 201)
			r := e.admin("POST", "/v1/payments", `{"quote_id":"`+q["id"].(string)+`","amount":`+jsonNum(q["amount_due"])+
				`,"method":"card","reference":"`+card+`"}`)
			if r.status != 422 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			refused(t, r, card)
		})
		t.Run("NativeRenewal/"+card, func(t *testing.T) {
			rn := e.wantStatus(t, e.admin("POST", "/v1/lots/L1/passes/"+pass+"/renewals", `{"months":1}`), 201)
			r := e.admin("POST", "/v1/lots/L1/renewals/"+rn["id"].(string)+"/payment",
				`{"amount":30000,"method":"card","reference":"`+card+`"}`)
			if r.status != 422 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			refused(t, r, card)
		})
		t.Run("EboparkTradeNo/"+card, func(t *testing.T) {
			fee := eboFee(t, ebo, "京A10002")
			r := ebo("paysyncWithDeductionV3", `{"ParkCode":"L1","OrderNo":"`+fee["orderNo"].(string)+`","PayFee":`+
				jsonNum(fee["payFee"])+`,"PayType":"WX","TradeNo":"`+card+`"}`)
			refused(t, r, card)
		})
		t.Run("EboparkRenewalTradeNo/"+card, func(t *testing.T) {
			fee := ebo("GetMonthCarRechargeFee", `{"ParkCode":"L1","MonthId":"`+pass+`","Months":1}`)
			var env struct {
				Result struct {
					OrderNo string `json:"orderNo"`
				} `json:"result"`
			}
			if err := json.Unmarshal([]byte(fee.body), &env); err != nil || env.Result.OrderNo == "" {
				t.Fatalf("renewal fee: %s", fee.body)
			}
			r := ebo("MonthCarRechargeResult", `{"ParkCode":"L1","OrderNo":"`+env.Result.OrderNo+`","PayFee":30000,"PayType":"WX","TradeNo":"`+card+`"}`)
			refused(t, r, card)
		})
		t.Run("EboparkInvoice/"+card, func(t *testing.T) {
			refused(t, ebo("QueryInvoice", `{"ParkCode":"L1","TradeNo":"`+card+`"}`), card)
			if _, err := e.sys.Billing.PaymentInvoice(ctx, "ebo", "L1", "", card); !park.IsCode(err, park.ECardData) {
				t.Fatalf("invoice by a card number: %v, want card_data", err)
			}
		})
	}
	if st, err := e.sys.Gate.ListStays(ctx, gate.StayQuery{LotCode: "L1"}); err != nil {
		t.Fatal(err)
	} else {
		for _, s := range st {
			if s.Paid != 0 {
				t.Fatalf("stay %s was paid %d with a card number", s.Plate, s.Paid)
			}
		}
	}
	t.Run("RealTradeNumbers", func(t *testing.T) {
		for plate, trade := range map[string]string{"京A10002": "4200001234202301011234567890", "京A10003": "2023010122001412341234567890"} {
			fee := eboFee(t, ebo, plate)
			r := ebo("paysyncWithDeductionV3", `{"ParkCode":"L1","OrderNo":"`+fee["orderNo"].(string)+`","PayFee":`+jsonNum(fee["payFee"])+
				`,"PayType":"WX","TradeNo":"`+trade+`"}`)
			if !strings.Contains(r.body, `"state":0`) || !strings.Contains(r.body, trade) {
				t.Fatalf("trade number %s refused: %s", trade, r.body)
			}
		}
	})
}

func jsonNum(v any) string { b, _ := json.Marshal(v); return string(b) }

// wantStatus checks a reply's status and decodes its JSON object.
func (e *testEnv) wantStatus(t *testing.T, r testReply, status int) map[string]any {
	t.Helper()
	var m map[string]any
	if r.status != status || json.Unmarshal([]byte(r.body), &m) != nil {
		t.Fatalf("%d %s; want %d", r.status, r.body, status)
	}
	return m
}

// stayOf is the id of a plate's stay inside lot L1.
func (e *testEnv) stayOf(t *testing.T, plate string) string {
	t.Helper()
	st, err := e.sys.Gate.ListStays(context.Background(), gate.StayQuery{LotCode: "L1", Plate: plate, State: park.StayIn})
	if err != nil || len(st) != 1 {
		t.Fatalf("stay of %s: %v %v", plate, st, err)
	}
	return st[0].ID
}

type eboCall func(op, body string) testReply

// eboFee is an Ebopark fee query for a plate in lot L1.
func eboFee(t *testing.T, ebo eboCall, plate string) map[string]any {
	t.Helper()
	var env struct {
		Result map[string]any `json:"result"`
	}
	r := ebo("getProStopWithDeductionV3", `{"ParkCode":"L1","CarNo":"`+plate+`"}`)
	if err := json.Unmarshal([]byte(r.body), &env); err != nil || env.Result["orderNo"] == nil {
		t.Fatalf("fee of %s: %s", plate, r.body)
	}
	return env.Result
}
