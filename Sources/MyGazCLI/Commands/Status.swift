import Foundation
import MyGazCore

/// `status`: the queue dashboard.
enum StatusCommand {

    static let spec = CommandSpec(
        "status", L("the queue dashboard: what waits for the back office", "сводка очередей: что ждет абонентский отдел"),
        examples: [Example("mygaz-admin status", L("What is waiting, per queue and per RGK.", "Что ждет обработки — по очередям и по РГК."), featured: true)],
        access: .everyone, handler: showStatus)

    static func showStatus(_ inv: Invocation) throws -> ExitStatus {
        let d = try Dashboard.load(inv.db, today: inv.clock.today, notSetUp: Delivery.channelsNotSetUp(environment: inv.io.environment),
                                   scope: inv.session.rgkScope())
        let dues = try DueBoard.load(inv.db, try inv.dueQuery(), scope: inv.session.rgkScope())
        inv.out.record(StatusView.record(d, dues: dues, now: inv.clock.now, lang: inv.out.lang))
        return .success
    }
}
