package ebopark

import (
	"context"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// invoiceOps is the e-invoice query (3.2.9).
func (h *Handler) invoiceOps() map[string]*operation {
	return map[string]*operation{"QueryInvoice": {run: h.queryInvoice,
		hints: map[park.Code]map[string]string{park.ENotFound: {"OrderNo": "没有该订单的支付记录"}}}}
}

type invoiceRequest struct {
	ParkCode *string `json:"ParkCode"`
	OrderNo  *string `json:"OrderNo"`
	TradeNo  *string `json:"TradeNo"`
}

type invoiceResult struct {
	ParkCode          string `json:"parkCode"`
	ParkName          string `json:"parkName"`
	OrderNo           string `json:"orderNo"`
	TradeNo           string `json:"tradeNo"`
	PaymentID         string `json:"paymentId"`
	CarNo             string `json:"carNo"`
	EntryTime         string `json:"entryTime"`
	ExitTime          string `json:"exitTime"` // "" while the car is inside
	PayFee            int64  `json:"payFee"`
	PayType           string `json:"payType"`
	PayTime           string `json:"payTime"`
	Currency          string `json:"currency"`
	InvoiceStatus     int    `json:"invoiceStatus"`
	InvoiceStatusDesc string `json:"invoiceStatusDesc"`
	InvoiceURL        string `json:"invoiceUrl"`
}

// invoiceStatuses are the wire codes of the core's invoice statuses.
var invoiceStatuses = map[string]struct {
	code int
	desc string
}{
	billing.InvoiceNotIssued: {0, "未开票：parkd 不开具税务发票，请凭以上信息向车场申请"},
}

// queryInvoice is 电子发票查询: the invoicing data of a payment the partner
// made (by OrderNo, the quote it paid, or by its TradeNo). parkd issues
// no tax invoice itself, so invoiceStatus is always 0 (not issued) and
// invoiceUrl is "".
func (h *Handler) queryInvoice(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in invoiceRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := required("ParkCode", in.ParkCode) // the use case refuses a lot not the partner's
	if err != nil {
		return nil, 0, err
	}
	order, trade := optString(in.OrderNo), optString(in.TradeNo)
	switch {
	case order == "" && trade == "":
		return nil, 0, refuse(refusedMissing, "OrderNo", "OrderNo 与 TradeNo 需给一个")
	case order != "" && trade != "":
		return nil, 0, refuse(refusedType, "OrderNo", "OrderNo 与 TradeNo 只能给一个")
	case order != "" && !refRE.MatchString(order):
		return nil, 0, refuse(refusedType, "OrderNo", "")
	case trade != "" && !refRE.MatchString(trade):
		return nil, 0, refuse(refusedType, "TradeNo", "")
	}
	inv, err := h.svc.Billing.PaymentInvoice(ctx, p.ID, code, order, trade)
	if err != nil {
		return nil, 0, err
	}
	pay, st, l := inv.Payment, inv.Stay, inv.Lot
	status := invoiceStatuses[inv.Status]
	out := invoiceResult{ParkCode: l.Code, ParkName: inv.Lot.Name, OrderNo: pay.QuoteID, TradeNo: pay.Reference,
		PaymentID: pay.ID, CarNo: st.Plate, EntryTime: localTime(st.EntryAt, l), PayFee: fen(pay.Amount),
		PayType: payType(pay.Method), PayTime: localTime(pay.PaidAt, l), Currency: pay.Currency,
		InvoiceStatus: status.code, InvoiceStatusDesc: status.desc}
	if st.ExitAt != nil {
		out.ExitTime = localTime(*st.ExitAt, l)
	}
	return out, 1, nil
}
