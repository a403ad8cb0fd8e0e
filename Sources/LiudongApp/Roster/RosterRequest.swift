import Fluent
import LiudongCore
import Vapor

extension Request {
    /// The member named by `:id`, in the account's tree — on the roster or not (a reduced member keeps the page).
    func rosterMember() async throws -> Member {
        try await rosterMember(id: parameters.get("id").flatMap(UUID.init(uuidString:)))
    }

    /// The member with this id, in the account's tree (404 otherwise).
    func rosterMember(id: UUID?) async throws -> Member {
        let user = try self.user
        guard !user.isInflowSide, let id,
            let m = try await user.visibleMembers(Member.query(on: db)).filter(\.$id == id).first()
        else { throw AppError.notFound }
        return m
    }
}
