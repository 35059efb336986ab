package ebopark_test

import (
	"strings"
	"testing"
)

// badInputs has refusals of every operation, each with the exact desc a
// partner reads: the error's heading, the vendor's parameter, a Chinese
// detail (no English, no Go type names). Some are the dialect's own
// (decoding), most the core's, worded by the one table of errors.go.
var badInputs = []struct{ op, body, desc string }{
	{"QueryMonthCarInfoV2", `{"ParkCode":"140123001","CarNo":"京A12345","userMobile":"abc"}`, "参数错误 userMobile：应为5-20位数字，可带+号"},
	// Keys match in any case, so carNo is CarNo again: which one is read
	// would be a guess.
	{"QueryMonthCarInfoV2", `{"ParkCode":"140123001","CarNo":"京A12345","carNo":"京B11111","userMobile":"13800000000"}`, "参数重复 CarNo：同一参数只能传一次（参数名不区分大小写）"},
	{"LockCar", `{"ParkCode":"140123001","CarNo":"京A11111","carno":"京A22222"}`, "参数重复 CarNo：同一参数只能传一次（参数名不区分大小写）"},
	{"DeleteWhiteCar", `{"ParkCode":"140123001","ParkCode":"140123002","CarNo":"沪B88888"}`, "参数重复 ParkCode：同一参数只能传一次（参数名不区分大小写）"},
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":"A","UserName":"n","CarNo":"鲁B11111","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00","endTime":"2026-02-01 00:00:00"}]}`, "参数重复 MonthCars.EndTime：同一参数只能传一次（参数名不区分大小写）"},
	{"QueryMonthCarInfoV2", `{"ParkCode":"140123001","CarNo":"京A12345","userMobile":"13800000000"}`, "未找到 CarNo：该车牌在本车场无月租"},
	{"QueryMonthCarInfoV2", `{"ParkCode":"140123001","CarNo":12345,"userMobile":"18679681247"}`, "参数类型错误 CarNo：应为字符串"},
	{"QueryRemainingSpaces", `{"ParkCode":"140123002"}`, "无权操作该车场或车场不存在 ParkCode"},
	{"QueryInParkCars", `{"ParkCode":"140123001","PageSize":"10"}`, "参数类型错误 PageSize：应为整数"},
	{"QueryInParkCars", `{"ParkCode":"140123001","PageSize":0}`, "参数类型错误 PageSize：应为1-1000的整数"},

	{"getProStopWithDeductionV3", `{"ParkCode":"140123001","CarNo":"京A99999"}`, "未找到 CarNo：该车辆不在场内"},
	{"getProStopWithDeductionV3", `{"ParkCode":"140123001","Locator":"0000000000"}`, "未找到 Locator：该停车票对应的车辆不在场内"},
	{"getProStopWithDeductionV3", `{"ParkCode":"140123001","CarNo":"hello"}`, "车牌号格式错误 CarNo：长度为 5 个字符，应为 7 个；例：粤B12345"},
	{"getProStopWithDeductionV3", `{"ParkCode":"140123001","CarNo":"无牌车"}`, "车牌号格式错误 CarNo：无牌车没有车牌号，请使用入场时发放的临时车牌（临开头）"},
	{"paysyncWithDeductionV3", `{"ParkCode":"140123001","OrderNo":"no-such-order","PayFee":1,"PayType":"WX","TradeNo":"T"}`, "未找到 OrderNo：订单不存在，请重新查费"},
	{"paysyncWithDeductionV3", `{"ParkCode":"140123001","OrderNo":"x","PayFee":12.5,"PayType":"WX","TradeNo":"T"}`, "参数类型错误 PayFee：应为整数"},
	{"paysyncWithDeductionV3", `{"ParkCode":"140123001","OrderNo":"x","PayFee":1,"PayType":"WX","TradeNo":"T","PayTime":"now"}`, "参数类型错误 PayTime：应为“年-月-日 时:分:秒”，如 2026-03-01 10:00:00"},
	// Seconds are whole: a fraction (which Go's parser would take) is not
	// the vendor's format, and would be kept but never shown.
	{"paysyncWithDeductionV3", `{"ParkCode":"140123001","OrderNo":"x","PayFee":1,"PayType":"WX","TradeNo":"T","PayTime":"2026-03-01 10:00:00.5"}`, "参数类型错误 PayTime：应为“年-月-日 时:分:秒”，如 2026-03-01 10:00:00"},
	{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"京A99999","BeginTime":"2026-03-01 00:00:00","EndTime":"2027-03-01 00:00:00.999"}`, "参数类型错误 EndTime：应为“年-月-日 时:分:秒”，如 2026-03-01 10:00:00"},
	{"ShareOrderSync", `{"ParkCode":"140123001","OrderNo":"SO-F","CarNo":"浙B12345","StartTime":"2027-03-01 12:00:00,5","EndTime":"2027-03-01 18:00:00"}`, "参数类型错误 StartTime：应为“年-月-日 时:分:秒”，如 2026-03-01 10:00:00"},
	{"OpenGate", `{"ParkCode":"140123001","ChannelId":"` + strings.Repeat("门", 22) + `","Remark":"人工开闸"}`, "参数错误 ChannelId：应为本车场相机上报的通道编号，至多64字节"},
	{"NoPlateCarEntry", `{"ParkCode":"140123001","ChannelId":"in-1","RequestId":"a b"}`, "参数错误 RequestId：应为1-64个半角可见字符"},
	{"NoPlateCarEntry", `{"ParkCode":"140123001","ChannelId":"nosuch-9"}`, "未找到 ChannelId：该车场没有此通道（通道编号以相机上报为准）"},
	{"DeleteInParkCar", `{"ParkCode":"140123001","CarNo":"京A99999"}`, "未找到 CarNo：该车辆不在场内"},

	{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"a","BeginTime":"2026-04-01 00:00:00","EndTime":"2026-03-01 00:00:00"}`, "参数错误 EndTime：须晚于 BeginTime"},
	{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"临7KQ2M9X","UserName":"a","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "参数错误 CarNo：无牌车不支持月租，一个月租至多20个车牌且不能重复"},
	{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"a","UserCode":"U1001","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "数据冲突 UserCode：该用户编码已有月租"},
	{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"京A12345","UserName":"a","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "数据冲突 CarNo：该车牌已属于其他月租"},
	{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"a","LotCount":2,"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "参数错误 LotCount：应为1到车牌数之间的整数"},
	{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤D22222","UserName":"a","LotCount":"1","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "参数类型错误 LotCount：应为整数"},
	// A name of blanks names no one: refused like an empty one.
	{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤D33333","UserName":"   ","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "参数错误 UserName：不能为空，至多200字节"},
	{"UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"U1001","UserName":" \t "}`, "参数错误 UserName：不能为空，至多200字节"},
	// A control character is named with its byte: "Li" is bytes 0-1, ESC byte 2.
	{"UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"U1001","UserName":"Li\u001b[31m"}`, "参数错误 UserName：不能含控制字符 U+001B（第2字节）"},
	// A user code of blanks is no code: it would key a pass no partner can name.
	{"AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤D44444","UserName":"a","UserCode":"  ","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "参数错误 UserCode：不能只含空白，至多64个字符"},
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":" ","UserName":"n","CarNo":"鲁B33333","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}]}`, "参数错误 MonthCars[0].UserCode：不能为空，同一请求中不能重复"},
	{"UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"nobody","UserName":"x"}`, "未找到 UserCode：月租不存在"},
	{"UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"U1001","UserName":{}}`, "参数类型错误 UserName：应为字符串"},
	{"UpdateMonthCar", `{"ParkCode":"140123001","UserCode":"U1001","UserMobile":"call me"}`, "参数错误 UserMobile：应为5-20位数字，可带+号"},
	{"DeleteMonthCar", `{"ParkCode":"140123001","MonthId":"nope"}`, "未找到 MonthId：月租不存在，或 MonthId 与 UserCode 所指的不是同一月租"},
	{"DeleteMonthCar", `{"ParkCode":"140123001"}`, "缺少参数 MonthId/UserCode"},
	{"QueryAllMonthCar", `{"ParkCode":"140123001","PageNum":0}`, "参数类型错误 PageNum：应为1-1000000的整数"},
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":"A","UserName":"n","CarNo":"鲁B11111","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"},{"UserCode":"B","UserName":"n","CarNo":"鲁B22222","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-02-01 00:00:00"}]}`, "参数错误 MonthCars[1].EndTime：须晚于 BeginTime"},
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":"A","UserName":"n","CarNo":"京A12345","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}]}`, "数据冲突 MonthCars[0]：其中的车牌已属于其他月租"},
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":"A","UserName":"n","CarNo":"鲁B11111","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"},{"UserCode":"B","UserName":"n","CarNo":"鲁B22222,鲁B11111","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}]}`, "参数错误 MonthCars[1].CarNo：无牌车不支持月租，一个月租至多20个车牌且不能重复，同一车牌不能出现在两项中"},
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserName":"n","CarNo":"鲁B11111","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}]}`, "缺少参数 MonthCars[0].UserCode"},
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":"A","UserName":"n","CarNo":"鲁B11111","LotCount":"1","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}]}`, "参数类型错误 MonthCars[0].LotCount：应为整数"},
	// A wrong type in an item names the item, as every other refusal of one does.
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":"A","UserName":"n","CarNo":"鲁B11111","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"},{"UserCode":"B","UserName":["n"],"CarNo":"鲁B22222","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}]}`, "参数类型错误 MonthCars[1].UserName：应为字符串"},
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":"A","UserName":"n","CarNo":"鲁B11111","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"},5]}`, "参数类型错误 MonthCars[1]：应为JSON对象"},
	{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"京A99999","BeginTime":"2026-03-01 00:00:00","EndTime":"2027-03-01 00:00:00","Reason":"` + long201 + `"}`, "参数错误 Reason：至多200字节"},
	// A plate-less identity on a list is told so, not a pass's limits.
	{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"临7KQ2M9X","BeginTime":"2026-03-01 00:00:00","EndTime":"2027-03-01 00:00:00"}`, "参数错误 CarNo：无牌车不支持白名单"},
	{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"临7KQ2M9X","SpecialType":"blacklist"}`, "参数错误 CarNo：无牌车不支持特殊车辆"},
	{"AddHotelCar", `{"ParkCode":"140123001","CarNo":"临7KQ2M9X","RoomNo":"1","CheckInTime":"2026-03-01 14:00:00","CheckOutTime":"2026-03-02 12:00:00"}`, "参数错误 CarNo：无牌车不支持酒店车辆"},
	{"DeleteWhiteCar", `{"ParkCode":"140123001","CarNo":"京A99999"}`, "未找到 CarNo：该车牌不是白名单车"},
	{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999","SpecialType":"vip"}`, "参数错误 SpecialType：应为 police、ambulance、fire 或 blacklist"},
	{"SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"沪B88888","SpecialType":"police"}`, "数据冲突 CarNo：该车牌已是白名单车或酒店车"},
	{"QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"??"}`, "车牌号格式错误 CarNo：“?”不能出现在此位置，此处应为字母或数字；例：粤B12345"},
	// Digits only, no province character: refused in Chinese, naming
	// what is wanted, never as a Brazilian plate in English. Seven
	// characters without a province start with three letters, so 1 is
	// refused where a letter is wanted; six or eight have the wrong
	// length, 7 wanted.
	{"QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"1234567"}`, "车牌号格式错误 CarNo：“1”不能出现在此位置，此处应为字母；例：粤B12345"},
	{"SyncMonthCar", `{"ParkCode":"140123001","MonthCars":[{"UserCode":"A","UserName":"n","CarNo":"1234567","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}]}`, "车牌号格式错误 MonthCars[0].CarNo：“1”不能出现在此位置，此处应为字母；例：粤B12345"},
	{"QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"123456"}`, "车牌号格式错误 CarNo：长度为 6 个字符，应为 7 个；例：粤B12345"},
	{"QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"12345678"}`, "车牌号格式错误 CarNo：长度为 8 个字符，应为 7 个；例：粤B12345"},
	// ABC then a letter 4th: a digit is wanted there; 京AI2345's I is no
	// Chinese serial character.
	{"QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"ABCD123"}`, "车牌号格式错误 CarNo：“D”不能出现在此位置，此处应为数字；例：粤B12345"},
	{"QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"京AI2345"}`, "车牌号格式错误 CarNo：“I”不能出现在此位置，此处应为字母（I、O 除外）或数字；例：粤B12345"},
	// Why the plate is wrong, in Chinese: 京A12 has 4 characters, a
	// Chinese plate 7 or 8; 卫 is no province.
	{"QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"京A12"}`, "车牌号格式错误 CarNo：长度为 4 个字符，应为 7–8 个；例：粤B12345"},
	{"QuerySpecialCar", `{"ParkCode":"140123001","CarNo":"卫A12345"}`, "车牌号格式错误 CarNo：“卫”不是省份简称；例：粤B12345"},
	{"DeleteSpecialCar", `{"ParkCode":"140123001","CarNo":"沪B88888"}`, "未找到 CarNo：该车牌不是特殊车辆"},

	{"AddHotelCar", `{"ParkCode":"140123001","CarNo":"浙A11111","RoomNo":"1","CheckInTime":"2026-03-02 12:00:00","CheckOutTime":"2026-03-01 14:00:00"}`, "参数错误 CheckOutTime：须晚于 CheckInTime，且不能已过去"},
	{"AddHotelCar", `{"ParkCode":"140123001","CarNo":"沪B88888","RoomNo":"1","CheckInTime":"2026-03-01 14:00:00","CheckOutTime":"2026-03-02 12:00:00"}`, "数据冲突 CarNo：该车牌已是白名单车、特殊车辆或黑名单"},
	{"AddHotelCar", `{"ParkCode":"140123001","CarNo":"浙A11111","RoomNo":808,"CheckInTime":"2026-03-01 14:00:00","CheckOutTime":"2026-03-02 12:00:00"}`, "参数类型错误 RoomNo：应为字符串"},
	{"QueryHotelCar", `{}`, "缺少参数 ParkCode"},
	{"DeleteHotelCar", `{"ParkCode":"140123001","CarNo":"沪B88888"}`, "未找到 CarNo：该车牌不是酒店车辆"},
	{"LockCar", `{"ParkCode":"140123001","CarNo":"临7KQ2M9X"}`, "参数错误 CarNo：无牌车不能锁车"},
	{"UnlockCar", `{"ParkCode":"140123001","CarNo":"京A12345"}`, "未找到 CarNo：该车辆未锁定"},

	{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":0}`, "参数错误 Minutes：应为1-10080"},
	{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":30,"BeginTime":"2026-02-01 12:00:00","EndTime":"2026-02-02 11:00:00"}`, "参数错误 EndTime：须晚于 BeginTime，至多366天，且不能已过去"},
	{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"苏E6X789","Minutes":45,"DeduNo":"CAFE-200"}`, "数据冲突 DeduNo：该券号已用于其他车辆、类型或面额"},
	{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":3,"DeduValue":101}`, "参数错误 DeduValue：小时券1-168，金额券1-1000000分，折扣券1-100，全免券为1或不填"},
	// A free-stay coupon has no amount to give: the hint says what it takes.
	{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":4,"DeduValue":7}`, "参数错误 DeduValue：小时券1-168，金额券1-1000000分，折扣券1-100，全免券为1或不填"},
	{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":0,"DeduValue":1}`, "参数类型错误 DeduType：应为1小时、2金额（分）、3折扣（%）或4全免；分钟券请用 AddMinuteDeduction"},
	{"DeleteMinuteDeduction", `{"ParkCode":"140123001","DeduNo":"nope"}`, "未找到 DeduNo：该券不存在"},
	{"QueryDeduList", `{"parkCode":"140123001","status":2}`, "参数类型错误 status：应为0未使用、1已使用、4已过期或5已撤销"},
	{"QueryDeduList", `{"parkCode":"140123001","sendStartTime":"2026-03-02 00:00:00","sendEndTime":"2026-03-01 00:00:00"}`, "参数错误 sendEndTime：须晚于 sendStartTime"},
	{"QueryDeduList", `{"parkCode":"140123001","page":0}`, "参数类型错误 page：应为1-1000000的整数"},
	{"QueryDeduList", `{"parkCode":"140123001","pageSize":0}`, "参数类型错误 pageSize：应为1-1000的整数"},
	{"QueryDeduList", `{"parkCode":"140123001","carNo":"hello"}`, "车牌号格式错误 carNo：长度为 5 个字符，应为 7 个；例：粤B12345"},
	{"QueryDeduList", `{}`, "缺少参数 parkCode"},
	// A key named twice is named as the partner first sent it.
	{"QueryDeduList", `{"parkCode":"140123001","Status":1,"status":2}`, "参数重复 Status：同一参数只能传一次（参数名不区分大小写）"},
	{"QueryDeduDetail", `{"ParkCode":"140123001","DeduNo":12}`, "参数类型错误 DeduNo：应为字符串"},

	{"CrmQueryFeeV5", `{"ParkCode":"140123001","CarNo":"苏E6X789","FreeMinutes":-1}`, "参数错误 FreeMinutes：应为0-10080的整数"},
	{"CrmQueryFeeV5", `{"ParkCode":"140123001","CarNo":"京A99999"}`, "未找到 CarNo：该车辆不在场内"},
	{"CrmOrderSyncV5", `{"ParkCode":"140123001","OrderNo":"nope","PayFee":1,"PayType":"WX","TradeNo":"C-9","MemberNo":"会员"}`, "参数类型错误 MemberNo：应为1-64个半角可见字符"},
	{"QueryInvoice", `{"ParkCode":"140123001","TradeNo":"nope"}`, "未找到 TradeNo：没有该订单的支付记录"},
	{"QueryInvoice", `{"ParkCode":"140123001","OrderNo":"nope"}`, "未找到 OrderNo：没有该订单的支付记录"},
	{"QueryInvoice", `{"ParkCode":"140123001","OrderNo":"a","TradeNo":"b"}`, "参数类型错误 OrderNo：OrderNo 与 TradeNo 只能给一个"},

	{"QueryMonthRates", `{"ParkCode":140123001}`, "参数类型错误 ParkCode：应为字符串"},
	{"QueryPeriodMonthRates", `[]`, "请求体不是JSON对象"},
	{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京A12345","Months":37}`, "参数错误 Months：应为1-36的整数"},
	{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京A12345","Months":1,"RateId":"gold"}`, "未找到 RateId：月租费率不存在（未传 RateId 时为该月租自身的费率），请传本车场的 RateId"},
	{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京B99999","Months":1}`, "未找到 CarNo：该车牌在本车场无月租，或不属于 MonthId/UserCode 所指的月租"},
	{"MonthCarRechargeResult", `{"ParkCode":"140123001","OrderNo":"73b4cab7-ea27-426c-b247-bf0f006e0f05","PayFee":1,"PayType":"WX","TradeNo":"T"}`, "未找到 OrderNo：订单不存在，请重新获取充值费用"},
	{"MonthCarRechargeResult", `{"ParkCode":"140123001","OrderNo":"x","PayFee":-1,"PayType":"WX","TradeNo":"T"}`, "参数错误 PayFee：应为不超过上限的非负整数（分）"},
	{"SavePeriodMonthCar", `{"ParkCode":"140123001","RateId":"monthly-standard","CarNo":"鲁N77777","UserName":"X","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "参数错误 RateId：不是时段月租费率，全天月租请用 AddMonthCar"},
	{"SavePeriodMonthCar", `{"ParkCode":"140123001","RateId":"night","CarNo":"京A12345","UserName":"X","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "数据冲突 CarNo：该车牌已属于其他月租，或该车已有全天月租"},
	{"SavePeriodMonthCar", `{"ParkCode":"140123001","RateId":"gold","CarNo":"鲁N77777","UserName":"X","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "未找到 RateId：时段月租费率不存在"},
	{"DeletePeriodMonthCar", `{"ParkCode":"140123001","CarNo":"京A12345"}`, "未找到 CarNo：该车辆没有时段月租（全天月租请用 DeleteMonthCar 删除），或 MonthId、UserCode、CarNo 所指的不是同一月租"},
	{"QueryInnerCarByPlate", `{"ParkCode":"140123001","CarNo":"WUPAI"}`, "车牌号格式错误 CarNo：长度为 5 个字符，应为 7 个；例：粤B12345"},

	{"OpenGate", `{"ParkCode":"140123001","ChannelId":"in-9","Remark":"人工开闸"}`, "未找到 ChannelId：该车场没有此通道（通道编号以相机上报为准）"},
	{"CloseGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":7}`, "参数类型错误 Remark：应为字符串"},
	// A GBK client's remark (人工 in GBK) is refused, not kept as U+FFFD.
	{"OpenGate", `{"ParkCode":"140123001","ChannelId":"in-1","Remark":"jam` + "\xc8\xcb\xb9\xa4" + `"}`, "请求体不是JSON对象：第56字节起编码无效，请使用统一码编码"},
	{"GateAlwaysOpen", `{"ParkCode":"140123001","ChannelId":"in-1","AlwaysOpen":2}`, "参数类型错误 AlwaysOpen：应为1或0"},

	{"ShareOrderSync", `{"ParkCode":"140123001","OrderNo":"SO-1","CarNo":"浙B12345","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 11:00:00"}`, "参数错误 EndTime：须晚于 StartTime，时段至多366天，且不能已结束"},
	{"ShareOrderSync", `{"ParkCode":"140123001","OrderNo":"订单 1","CarNo":"浙B12345","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 18:00:00"}`, "参数错误 OrderNo：应为1-64个半角可见字符"},
	// An order number sent as a JSON number is taken as its digits; a
	// number with a sign, a fraction or an exponent has none to take.
	{"ShareOrderSync", `{"ParkCode":"140123001","OrderNo":1e30,"CarNo":"浙B12345","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 18:00:00"}`, "参数类型错误 OrderNo：应为字符串或整数"},
	{"ShareOrderSync", `{"ParkCode":"140123001","OrderNo":-15,"CarNo":"浙B12345","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 18:00:00"}`, "参数类型错误 OrderNo：应为字符串或整数"},
	{"ReservationSyncV2", `{"ParkCode":"140123001","OrderNo":2.5,"CarNo":"浙B12345","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 18:00:00"}`, "参数类型错误 OrderNo：应为字符串或整数"},
	{"paysyncWithDeductionV3", `{"ParkCode":"140123001","OrderNo":"x","PayFee":1,"PayType":1.5,"TradeNo":"T"}`, "参数类型错误 PayType：应为字符串或整数"},
	{"ShareOrderSync", `{"ParkCode":"140123001","OrderNo":"SO-1","CarNo":"浙B12345","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 18:00:00","PayFee":-1}`, "参数错误 PayFee：应为不超过上限的非负整数（分）"},
	{"ReservationSyncV2", `{"ParkCode":"140123001","OrderNo":"RS-1","CarNo":"临7KQ2M9X","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 18:00:00"}`, "参数错误 CarNo：无牌车不支持预约"},
	{"ShareOrderTerminate", `{"ParkCode":"140123001","OrderNo":"SO-404"}`, "未找到 OrderNo：订单不存在"},
	{"ShareQueryUser", `{"ParkCode":"140123001"}`, "参数错误 OrderNo：OrderNo、CarNo、UserMobile 至少给一个"},

	{"QuerySpaceStatus", `{"ParkCode":"140123001","Floor":1}`, "参数类型错误 Floor：应为字符串"},
	{"FuzzyQueryPlate", `{"ParkCode":"140123001","CarNo":"123"}`, "车牌号格式错误 CarNo：应为完整车牌或车牌的至少后4位"},
	{"FuzzyQueryPlate", `{"ParkCode":"140123001","CarNo":"2345","Limit":101}`, "参数错误 Limit：应为1-100的整数"},
	{"QueryCarLocation", `{"ParkCode":"140123001","CarNo":"粤B99999"}`, "未找到 CarNo：车辆不在场内"},
	{"QueryCarLocation", `{"ParkCode":"140123001","CarNo":"苏E6X789"}`, "未找到 CarNo：车辆在场但尚未定位到车位"},
	{"QueryGarageRemaining", `{"ParkCode":["140123001"]}`, "参数类型错误 ParkCode：应为字符串"},
}

// long201 is a reason of 201 bytes.
const long201 = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七" +
	"八九十一二"

// TestBadInputs: every refusal of badInputs is HTTP 200, state -1, its
// exact desc (Chinese but for the contract's names), and changes
// nothing; every operation has some.
func TestBadInputs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.couponSnapshot(t)
	seen := map[string]bool{}
	for _, c := range badInputs {
		seen[c.op] = true
		env := wantState(t, e.call(c.op, c.body), -1, c.desc)
		if env.Desc != c.desc {
			t.Errorf("%s %s: desc %q, want %q", c.op, c.body, env.Desc, c.desc)
		}
		if e.couponSnapshot(t) != before {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
	}
	for op := range goldenCases {
		if !seen[op] {
			t.Errorf("%s has no bad input", op)
		}
	}
}
