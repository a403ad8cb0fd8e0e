import LiudongCore
import Vapor

/// The member form / JSON body as typed; `validate` turns it into clean values or per-field Chinese errors.
struct MemberForm: Content {
    var name: String?
    var sex: String?
    var ethnicity: String?
    var birthDate: String?
    var idNumber: String?
    var education: String?
    var category: String?
    var joinedOn: String?
    var fullOn: String?
    var orgCode: String?
    var phone: String?
    var household: String?
    var residence: String?
    var employer: String?
    var isMigrantWorker: String?

    /// Clean values, ready to store.
    struct Valid {
        var name: String
        var sex: Sex
        var ethnicity: String
        var birthDate: CalendarDate
        var idNumber: IDNumber
        var education: Education
        var category: MemberCategory
        var joinedOn: CalendarDate
        var fullOn: CalendarDate?
        var orgCode: String
        var phone: String?
        var household: String?
        var residence: String?
        var employer: String?
        var isMigrantWorker: Bool
    }

    func validate(today: CalendarDate = AppClock.today) -> Result<Valid, AppError> {
        var errors: [FieldError] = []
        func need(_ field: String, _ value: String?, _ message: String) -> String? {
            guard let v = Normalize.text(value) else {
                errors.append(FieldError(field, message))
                return nil
            }
            return v
        }
        let name = need("name", name, "请填写姓名")
        if let name, name.count > 40 { errors.append(FieldError("name", "姓名不能超过40个字")) }

        var id: IDNumber?
        switch IDNumber.parse(idNumber ?? "", today: today) {
        case .success(let v): id = v
        case .failure(let p): errors.append(FieldError("idNumber", p.message))
        }
        let sexValue = Normalize.text(sex).flatMap { Sex(rawValue: $0) ?? Sex(label: $0) }
        if sexValue == nil {
            errors.append(FieldError("sex", "请选择性别"))
        } else if let id, id.sex != sexValue {
            errors.append(FieldError("sex", "性别与公民身份号码不一致（号码第17位表示\(id.sex.label)）"))
        }

        var birth: CalendarDate?
        if let raw = Normalize.text(birthDate) {
            birth = CalendarDate(raw)
            if birth == nil {
                errors.append(FieldError("birthDate", "出生日期格式应为YYYY-MM-DD"))
            } else if let id, id.birthDate != birth {
                errors.append(FieldError("birthDate", "出生日期与公民身份号码不一致（号码中为\(id.birthDate)）"))
            }
        } else {
            birth = id?.birthDate
        }
        let eth = need("ethnicity", ethnicity, "请选择民族")
        if let eth, !EthnicGroups.isValid(eth) { errors.append(FieldError("ethnicity", "民族应为56个民族之一")) }
        let edu = Normalize.text(education).flatMap { Education(rawValue: $0) ?? Education(label: $0) }
        if edu == nil { errors.append(FieldError("education", "请选择学历")) }
        let cat = Normalize.text(category).flatMap { MemberCategory(rawValue: $0) ?? MemberCategory(label: $0) }
        if cat == nil { errors.append(FieldError("category", "请选择人员类别")) }

        var joined: CalendarDate?
        if let raw = need("joinedOn", joinedOn, "请填写入党日期") {
            joined = CalendarDate(raw)
            if joined == nil {
                errors.append(FieldError("joinedOn", "入党日期格式应为YYYY-MM-DD"))
            } else if joined! > today {
                errors.append(FieldError("joinedOn", "入党日期不能晚于今天"))
            } else if let b = birth, b.years(until: joined!) < 18 {
                errors.append(FieldError("joinedOn", "入党时应年满18周岁"))
            }
        }
        var full: CalendarDate?
        if let raw = Normalize.text(fullOn) {
            full = CalendarDate(raw)
            if full == nil {
                errors.append(FieldError("fullOn", "转正日期格式应为YYYY-MM-DD"))
            } else if let j = joined, full! <= j {
                errors.append(FieldError("fullOn", "转正日期应晚于入党日期"))
            } else if full! > today {
                errors.append(FieldError("fullOn", "转正日期不能晚于今天"))
            } else if cat == .probationary {
                errors.append(FieldError("fullOn", "预备党员不应有转正日期"))
            }
        } else if cat == .full {
            errors.append(FieldError("fullOn", "正式党员请填写转正日期"))
        }
        let org = need("orgCode", orgCode, "请选择所在党支部")
        var phoneValue: String?
        if let raw = Normalize.text(phone) {
            switch Phone.parse(raw) {
            case .success(let p): phoneValue = p
            case .failure(let p): errors.append(FieldError("phone", p.message))
            }
        }
        guard errors.isEmpty, let name, let id, let sexValue, let birth, let eth, let edu, let cat, let joined, let org
        else {
            return .failure(.invalid(errors))
        }
        let migrant = ["1", "true", "on", "是", "yes"].contains((isMigrantWorker ?? "").lowercased())
        return .success(
            Valid(
                name: name, sex: sexValue, ethnicity: eth, birthDate: birth, idNumber: id, education: edu,
                category: cat, joinedOn: joined, fullOn: full, orgCode: org, phone: phoneValue,
                household: Normalize.text(household), residence: Normalize.text(residence),
                employer: Normalize.text(employer), isMigrantWorker: migrant))
    }
}
