/// The outcome of an action on one id within a batch.
public struct BatchItem<R> {
    public let id: String
    public let result: Result<R, MyGazError>
    /// True when the action succeeded but was undone because another id failed.
    public let rolledBack: Bool

    public init(id: String, result: Result<R, MyGazError>, rolledBack: Bool = false) {
        self.id = id
        self.result = result
        self.rolledBack = rolledBack
    }
}

/// Actions on several ids: all-or-nothing in one write transaction, or, with
/// `continueOnError`, each id on its own savepoint so that the good ids stay done.
public enum Batch {
    /// With `dryRun`, everything is done and then rolled back: the items say what would happen.
    public static func run<R>(_ db: any Storage, ids: [String], continueOnError: Bool, dryRun: Bool = false,
                              _ action: (String) throws -> R) throws -> [BatchItem<R>] {
        var items: [BatchItem<R>] = []
        do {
            try db.write {
                for id in ids {
                    do {
                        let value = try db.savepoint { try action(id) }
                        items.append(BatchItem(id: id, result: .success(value), rolledBack: false))
                    } catch let error as MyGazError where error.status != .database && error.status != .internalError {
                        items.append(BatchItem(id: id, result: .failure(error), rolledBack: false))
                        if !continueOnError { throw AbortBatch() }
                    }
                }
                if dryRun { throw DryRun() }
            }
        } catch is DryRun {
            // as planned: nothing stays
        } catch is AbortBatch {
            // the whole transaction was rolled back: the successes so far did not happen
            items = items.map { BatchItem(id: $0.id, result: $0.result, rolledBack: $0.isSuccess) }
        }
        return items
    }

    struct AbortBatch: Error {}
    struct DryRun: Error {}
}

extension BatchItem {
    public var isSuccess: Bool { if case .success = result { return true } else { return false } }
}
