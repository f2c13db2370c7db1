import Testing
import WireFormats

@Suite struct SSHWireTests {
    @Test func readsWhatTheWriterWrites() throws {
        var writer = SSHWireWriter()
        writer.writeString("ssh-rsa")
        writer.writePositiveMPInt([0x00, 0x80, 0x01])
        writer.writeUInt32(7)
        var reader = SSHWireReader(writer.bytes)
        #expect(try reader.readText(what: "type") == "ssh-rsa")
        #expect(try reader.readPositiveMPInt(what: "n") == [0x80, 0x01])
        #expect(try reader.readUInt32(what: "count") == 7)
        try reader.expectEnd("the data")
    }

    @Test func hostileLengthsAreErrorsNamingTheField() {
        var reader = SSHWireReader([0xff, 0xff, 0xff, 0xff, 1, 2])
        #expect(throws: SSHWireError("length of key type (4294967295) exceeds the 2 bytes left")) {
            try reader.readString(what: "key type")
        }
        var short = SSHWireReader([0, 0])
        #expect(throws: SSHWireError("length of key type is truncated (needs 4 bytes, 2 left)")) {
            try short.readString(what: "key type")
        }
        var negative = SSHWireReader([0, 0, 0, 1, 0x80])
        #expect(throws: SSHWireError("e is negative")) { try negative.readPositiveMPInt(what: "e") }
    }
}
