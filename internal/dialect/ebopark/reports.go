package ebopark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"parkd/internal/core"
	"parkd/internal/deliveries"
	"parkd/internal/park"
)

// Reports is the Ebopark shape of parkd's reports to partners (3.3.1): a
// POST of the report's JSON to the partner's URL with
// ?partnerid=<id>&sign=<md5(body + secret)>, the md5 mode's rule whatever
// the partner's own sign mode, as the vendor signs its pushes;
// acknowledged only by a 2xx with {"code":0,"msg":"success","data":null}.
// The field lists are parkd's (the vendor publishes only the abnormal
// lift's); docs/ebopark.md, "Reports", shows each.
type Reports struct{}

var _ deliveries.Formatter = Reports{}
var _ deliveries.Carrier = Reports{}

// Carries: the kinds the vendor has a report type for.
func (Reports) Carries(kind string) bool { _, ok := reportTypes[kind]; return ok }

// Request builds the signed POST.
func (Reports) Request(ctx context.Context, a *deliveries.Attempt, to string) (*http.Request, error) {
	body, err := json.Marshal(reportBody(a.Report, a.Data))
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(to)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("partnerid", a.Partner.ID)
	q.Set("sign", Sign(body, a.Partner.Secret))
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	return req, nil
}

// successBody is the only reply body that acknowledges a report.
const successBody = `{"code":0,"msg":"success","data":null}`

// Judge: any 2xx whose body is exactly {"code":0,"msg":"success","data":null},
// whatever the key order and spacing, after at most one byte order mark
// (the vendor names the body, not the status: a partner's framework may
// answer 201). A 2xx without it is refused naming the body expected: a
// partner answering {"code":0} alone sees in the delivery what it must
// answer; a 204 cannot carry it, and the success body with an error
// status acknowledges nothing: each refused saying so. An error status
// with its own body says why itself.
func (Reports) Judge(status int, body []byte) (bool, string) {
	success := isSuccess(body)
	switch {
	case status < 200 || status > 299:
		if success {
			return false, fmt.Sprintf("the success reply acknowledges only with a 2xx status, not HTTP %d", status)
		}
		return false, ""
	case status == http.StatusNoContent:
		return false, "HTTP 204 has no body, so it cannot carry " + successBody
	case !success:
		return false, "reply is not " + successBody
	}
	return true, ""
}

// isSuccess: the body is the success body, whatever the key order and
// spacing, after at most one byte order mark.
func isSuccess(body []byte) bool {
	// A byte order mark first (.NET's UTF-8 writers put one) is read
	// past, as decode reads past a request's.
	body, _ = bytes.CutPrefix(body, []byte(bom))
	// A map keeps one of two same keys: {"code":1,"code":0,...} is no
	// success body.
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || len(m) != 3 || core.RepeatedKey(body) != "" {
		return false
	}
	// code is the number 0 as written: a json.Number would also take the
	// string "0".
	var msg string
	if string(bytes.TrimSpace(m["code"])) != "0" || json.Unmarshal(m["msg"], &msg) != nil || msg != "success" {
		return false
	}
	return string(bytes.TrimSpace(m["data"])) == "null"
}

// Report types on the wire (reportType).
var reportTypes = map[string]string{
	park.ReportEntry: "CarIn", park.ReportExit: "CarOut", park.ReportOrder: "ParkOrder",
	park.ReportSensorlessExit: "SensorlessOut", park.ReportLotInfo: "ParkInfo",
	park.ReportAbnormalLift: "AbnormalLift", park.ReportDeviceStatus: "DeviceStatus",
}

// carTypes word a stay's category (the entry decision's reason).
var carTypes = map[string]string{
	park.ReasonVisitor: "临时车", park.ReasonPass: "月租车", park.ReasonWhitelist: "白名单车",
	park.ReasonReservation: "预约车", park.ReasonHeldOpen: "临时车", park.ReasonOffline: "临时车", "plateless": "无牌车",
}

// reportFields is one report on the wire: the common head, then the
// fields its kind carries (empty ones omitted).
type reportFields struct {
	EventID    string `json:"eventId"` // the same on every attempt: de-duplicate on it
	ReportType string `json:"reportType"`
	ReportTime string `json:"reportTime"` // when it happened
	ParkCode   string `json:"parkCode"`
	ParkName   string `json:"parkName,omitempty"`

	// A car and its stay.
	CarNo            string `json:"carNo,omitempty"`
	PlateColor       string `json:"plateColor,omitempty"`
	CarType          string `json:"carType,omitempty"`
	OrderNo          string `json:"orderNo,omitempty"` // the stay's id
	Locator          string `json:"locator,omitempty"`
	EntryTime        string `json:"entryTime,omitempty"`
	EntryChannelID   string `json:"entryChannelId,omitempty"`
	ExitTime         string `json:"exitTime,omitempty"`
	ExitChannelID    string `json:"exitChannelId,omitempty"`
	ParkMins         *int64 `json:"parkMins,omitempty"`
	ImageURL         string `json:"imageUrl,omitempty"`
	TotalFee         *int64 `json:"totalFee,omitempty"`     // fen, before deductions
	DeductionFee     *int64 `json:"deductionFee,omitempty"` // coupons and benefits
	PaidFee          *int64 `json:"paidFee,omitempty"`
	PayFee           *int64 `json:"payFee,omitempty"` // what a sensorless ask asks the partner to pay
	UnpaidFee        *int64 `json:"unpaidFee,omitempty"`
	PayList          []pay  `json:"payList,omitempty"`
	DeduList         []dedu `json:"deduList,omitempty"`
	OperatorName     string `json:"operatorName,omitempty"`
	Reason           string `json:"reason,omitempty"`
	TotalSpaces      *int   `json:"totalSpaces,omitempty"`
	FreeSpaces       *int   `json:"freeSpaces,omitempty"`
	TimeZone         string `json:"timeZone,omitempty"`
	ChannelID        string `json:"channelId,omitempty"`
	DeviceType       string `json:"deviceType,omitempty"`
	DeviceStatus     *int   `json:"deviceStatus,omitempty"` // 1 online, 0 offline
	ChannelCommand   string `json:"command,omitempty"`
	ChannelCommandID string `json:"commandId,omitempty"`

	// The abnormal lift's own fields, as the vendor lists them.
	PlateNumber      string `json:"plateNumber,omitempty"`
	ChargeType       string `json:"chargeType,omitempty"`
	EntryChannelName string `json:"entryChannelName,omitempty"`
	ExitChannelName  string `json:"exitChannelName,omitempty"`
	ChargeAmount     *int64 `json:"chargeAmount,omitempty"`
	DeductAmount     *int64 `json:"deductAmount,omitempty"`
	CouponAmount     *int64 `json:"couponAmount,omitempty"`
	IncomeAmount     *int64 `json:"incomeAmount,omitempty"`
	Notes            string `json:"notes,omitempty"`
}

type pay struct {
	OrderNo string `json:"orderNo"` // the fee query's orderNo the payment settled
	PayFee  int64  `json:"payFee"`
	PayType string `json:"payType"`
	TradeNo string `json:"tradeNo,omitempty"`
	PayTime string `json:"payTime"`
}

type dedu struct {
	DeduNo    string `json:"deduNo"`
	DeduType  int    `json:"deduType"`
	DeduValue int64  `json:"deduValue"`
}

func i64(v int64) *int64 { return &v }
func iptr(v int) *int    { return &v }

// reportBody words a report for Ebopark partners, in the lot's local time
// and fen.
func reportBody(r *park.Report, d *park.ReportData) reportFields {
	out := reportFields{EventID: r.ID, ReportType: reportTypes[r.Kind], ParkCode: r.LotCode}
	l := d.Lot
	if l == nil {
		l = &park.Lot{Code: r.LotCode, TimeZone: "UTC"}
	}
	at := func(t time.Time) string { return localTime(t, l) }
	out.ReportTime, out.ParkName = at(r.At), l.Name
	if o := d.Occupancy; o != nil {
		out.TotalSpaces, out.FreeSpaces = iptr(o.Capacity), iptr(o.Free)
	}
	if st := d.Stay; st != nil {
		out.CarNo, out.OrderNo, out.Locator = st.Plate, st.ID, st.Locator
		out.EntryTime, out.EntryChannelID = at(st.EntryAt), st.EntryLane
		end := r.At
		if st.ExitAt != nil {
			out.ExitTime, out.ExitChannelID, end = at(*st.ExitAt), st.ExitLane, *st.ExitAt
		}
		out.ParkMins = i64(max(int64(end.Sub(st.EntryAt)/time.Minute), 0))
		if r.Kind != park.ReportEntry {
			out.TotalFee, out.DeductionFee, out.PaidFee = i64(fen(st.Gross())), i64(fen(st.Discount)), i64(fen(st.Paid))
		}
	}
	if ev := d.Event; ev != nil {
		out.PlateColor, out.ImageURL = ev.PlateColor, ev.ImageURL
	}
	if d.Category != "" {
		out.CarType = carTypes[d.Category]
		if out.CarType == "" {
			out.CarType = "临时车"
		}
	}
	out.OperatorName, out.Reason = d.By, d.Reason
	if (r.Kind == park.ReportExit || r.Kind == park.ReportOrder) && d.Event == nil && d.Stay != nil {
		// No camera event: an operator removed the car from the cars inside.
		out.Reason = "人工删除在场车"
		if d.Reason != "" {
			out.Reason += "：" + d.Reason
		}
	}
	if (r.Kind == park.ReportExit || r.Kind == park.ReportOrder) && d.Event != nil && d.Event.Type == park.EventEntry {
		// The car was read entering again: its exit was missed.
		out.Reason = "再次入场，出场未识别，原在场记录已关闭"
	}
	for _, p := range d.Payments {
		out.PayList = append(out.PayList, pay{OrderNo: p.QuoteID, PayFee: fen(p.Amount), PayType: payType(p.Method), TradeNo: p.Reference, PayTime: at(p.PaidAt)})
	}
	for _, c := range d.Coupons {
		r := deduResult(l, c, c.CreatedAt)
		out.DeduList = append(out.DeduList, dedu{DeduNo: c.ID, DeduType: r.DeduType, DeduValue: c.Value})
	}
	switch r.Kind {
	case park.ReportSensorlessExit:
		if q := d.Quote; q != nil {
			// The stay as priced for the ask, as the fee query words it:
			// before any payment the stay itself holds no amounts yet.
			out.TotalFee, out.DeductionFee, out.PaidFee = i64(fen(q.Gross())), i64(fen(q.Discount)), i64(fen(q.PaidBefore))
			out.PayFee = i64(fen(q.AmountDue))
		}
	case park.ReportOrder:
		out.UnpaidFee = i64(fen(d.UnpaidAmount()))
	case park.ReportLotInfo:
		out.TimeZone = l.TimeZone
	case park.ReportDeviceStatus:
		if dv := d.Device; dv != nil {
			out.ChannelID, out.DeviceType = dv.Lane, dv.Device
			out.DeviceStatus = iptr(0)
			if dv.Online {
				out.DeviceStatus = iptr(1)
			}
			switch {
			case d.Command != nil || dv.Command != "":
				// A barrier and a command, in the vendor's language: the
				// device's own words (dv.Detail, English from its driver)
				// are the core's log's, not the partner's.
				cmd := dv.Command
				if c := d.Command; c != nil {
					cmd = c.Command
				}
				out.Notes, out.Reason, out.ChannelCommand = "道闸指令："+commandWord(cmd)+"，未应答", "设备未应答指令", dv.Command
				if dv.Online {
					out.Notes, out.Reason = "道闸指令："+commandWord(cmd)+"，已恢复应答", "设备恢复应答"
				}
				if dv.Serial != "" {
					out.Notes += "；设备序列号：" + dv.Serial
				}
			default:
				// A registered device heard from, or silent: no command
				// was sent, so none went unanswered.
				out.Notes, out.Reason = "设备序列号："+dv.Serial, "设备心跳超时，已离线"
				if dv.Online {
					out.Reason = "设备恢复在线"
				}
			}
		}
	case park.ReportAbnormalLift:
		abnormalLift(&out, d)
	}
	if c := d.Command; c != nil {
		out.ChannelCommand, out.ChannelCommandID = c.Command, c.ID
		if out.ChannelID == "" {
			out.ChannelID = c.Lane
		}
	}
	return out
}

// abnormalLift fills the vendor's published field list of 异常抬杆数据上报
// (shared/notes: parkCode, parkName, plateNumber, entryTime, exitTime,
// parkMins, chargeType, reason, operatorName, entryChannelName,
// exitChannelName, chargeAmount, deductAmount, couponAmount,
// incomeAmount, carType, imageUrl, notes).
func abnormalLift(out *reportFields, d *park.ReportData) {
	out.ChargeType = "TEMP"
	if st := d.Stay; st != nil && d.Command == nil {
		// A car through a lane held open, or one that passed an offline
		// lane: the core's reason is English.
		out.Reason = "车道常开放行，按规则本应拦截"
		if d.Event != nil && d.Event.Decision.Reason == park.ReasonOffline {
			out.Reason = "车道离线时放行，按规则本应拦截"
		}
	}
	if st := d.Stay; st != nil {
		out.PlateNumber = st.Plate
		out.EntryChannelName, out.ExitChannelName = st.EntryLane, st.ExitLane
		out.ChargeAmount = i64(fen(st.Gross()))
		out.DeductAmount = i64(fen(st.Discount))
		out.CouponAmount = i64(fen(st.Discount))
		out.IncomeAmount = i64(fen(st.Paid))
		out.UnpaidFee = i64(fen(d.UnpaidAmount()))
		if out.CarType == "" {
			out.CarType = "临时车"
		}
	}
	if c := d.Command; c != nil {
		// The commanded lane is channelId: a command says nothing of
		// whether the lane is an entry or an exit.
		out.Notes = "道闸指令：" + commandWord(c.Command) + "（" + c.By + "）"
	}
}

// commandNames word parkd's barrier commands as the vendor's operations
// are named (OpenGate 开闸, CloseGate 落闸, GateAlwaysOpen 道闸常开).
var commandNames = map[string]string{
	park.GateOpen: "开闸", park.GateClose: "落闸", park.GateHoldOpen: "道闸常开", park.GateRelease: "恢复正常",
}

// commandWord words a barrier command (commandNames); one it has no word
// for is given as the command field carries it.
func commandWord(command string) string {
	if w, ok := commandNames[command]; ok {
		return w
	}
	return command
}
