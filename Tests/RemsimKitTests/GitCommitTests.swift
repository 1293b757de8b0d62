import Foundation
import TestSupport
import Testing

@testable import RemsimKit

/// The run records the commit it ran at, read from `.git` without running git.
struct GitCommitTests {
    func repo(head: String, files: [String: String] = [:]) throws -> String {
        let dir = try TestSupport.temporaryDirectory()
        try TestSupport.write(head, to: ".git/HEAD", in: dir)
        for (path, text) in files { try TestSupport.write(text, to: ".git/" + path, in: dir) }
        return dir
    }

    @Test func aBranchRefIsFollowed() throws {
        let dir = try repo(
            head: "ref: refs/heads/main\n", files: ["refs/heads/main": "0123456789abcdef0123456789abcdef01234567\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(GitCommit.current(directory: dir) == "0123456789abcdef0123456789abcdef01234567")
    }

    @Test func packedRefsAndDetachedHeadsWork() throws {
        let packed = try repo(
            head: "ref: refs/heads/dev\n",
            files: [
                "packed-refs": "# pack-refs with: peeled\nabcdefabcdefabcdefabcdefabcdefabcdefabcd refs/heads/dev\n"
            ])
        defer { try? FileManager.default.removeItem(atPath: packed) }
        #expect(GitCommit.current(directory: packed) == "abcdefabcdefabcdefabcdefabcdefabcdefabcd")
        let detached = try repo(head: "fedcbafedcbafedcbafedcbafedcbafedcbafedc\n")
        defer { try? FileManager.default.removeItem(atPath: detached) }
        #expect(GitCommit.current(directory: detached) == "fedcbafedcbafedcbafedcbafedcbafedcbafedc")
    }

    @Test func outsideARepositoryThereIsNoCommit() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(GitCommit.current(directory: dir) == nil)
        let unborn = try repo(head: "ref: refs/heads/main\n")
        defer { try? FileManager.default.removeItem(atPath: unborn) }
        #expect(GitCommit.current(directory: unborn) == nil)
    }
}

extension GitCommitTests {
    @Test func nothingOutsideGitIsFollowedAndOnlyACommitIdIsTaken() throws {
        let outside = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let secret = try TestSupport.write("0123456789abcdef0123456789abcdef01234567\n", to: "secret", in: outside)
        // A ref that climbs out of .git, and one that is a link out of it.
        let climbing = try repo(head: "ref: ../../../../../../..\(secret)\n")
        defer { try? FileManager.default.removeItem(atPath: climbing) }
        #expect(GitCommit.current(directory: climbing, environment: [:]) == nil)
        let linked = try repo(head: "ref: refs/heads/main\n")
        defer { try? FileManager.default.removeItem(atPath: linked) }
        try FileManager.default.createDirectory(atPath: linked + "/.git/refs/heads", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: linked + "/.git/refs/heads/main", withDestinationPath: secret)
        #expect(GitCommit.current(directory: linked, environment: [:]) == nil)
        // A HEAD that is not a commit id is not taken, whatever it holds.
        let junk = try repo(head: "root:x:0:0:root:/root:/bin/bash\n")
        defer { try? FileManager.default.removeItem(atPath: junk) }
        #expect(GitCommit.current(directory: junk, environment: [:]) == nil)
    }

    @Test func theCISystemsOwnCommitComesFirst() throws {
        let dir = try repo(head: "fedcbafedcbafedcbafedcbafedcbafedcbafedc\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(
            GitCommit.current(directory: dir, environment: ["GITHUB_SHA": "ABCDEF0123456789ABCDEF0123456789ABCDEF01"])
                == "abcdef0123456789abcdef0123456789abcdef01")
        #expect(
            GitCommit.current(directory: dir, environment: ["GITHUB_SHA": "not a sha"])
                == "fedcbafedcbafedcbafedcbafedcbafedcbafedc")
    }
}
