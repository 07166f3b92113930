import Foundation
import HedgeGridTransport

#if canImport(Glibc)
import Glibc
#endif

/// Decides which local users may talk to the daemon: its own uid, root, and members of the
/// configured group.
public struct PeerPolicy: Sendable {
    public let ownUID: uid_t
    public let group: gid_t?

    public init(ownUID: uid_t = getuid(), group: gid_t?) {
        self.ownUID = ownUID
        self.group = group
    }

    /// nil when the peer is allowed, else the reason it is refused.
    public func refusal(for credentials: PeerCredentials?) -> String? {
        guard let credentials else { return "peer credentials unavailable (SO_PEERCRED failed)" }
        if credentials.uid == ownUID || credentials.uid == 0 { return nil }
        if let group, credentials.gid == group || Self.user(credentials.uid, isMemberOf: group) { return nil }
        let groupText = group.map { " or a member of group \($0)" } ?? ""
        return "uid \(credentials.uid) (pid \(credentials.pid)) is not the daemon's user (uid \(ownUID)), root\(groupText)"
    }

    /// Resolves a group name or number.
    public static func groupID(named name: String) -> gid_t? {
        if let number = gid_t(name) { return number }
        guard let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
    }

    private static func user(_ uid: uid_t, isMemberOf group: gid_t) -> Bool {
        guard let passwd = getpwuid(uid), let name = passwd.pointee.pw_name else { return false }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, passwd.pointee.pw_gid, &groups, &count) == -1 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, passwd.pointee.pw_gid, &groups, &count) != -1 else { return false }
        }
        return groups.prefix(Int(count)).contains(group)
    }
}
