import Testing

@testable import BerthCLI

@Suite struct UTCZoneNameTests {
    @Test func aUTCHostIsRecognisedByEveryNameForUTC() {
        #expect(UTCZoneName.isUTC(variable: nil, localtime: "/usr/share/zoneinfo/Etc/UTC", localtimeExists: true))
        #expect(UTCZoneName.isUTC(variable: nil, localtime: "../usr/share/zoneinfo/UTC", localtimeExists: true))
        #expect(UTCZoneName.isUTC(variable: nil, localtime: "/usr/share/zoneinfo/posix/Zulu", localtimeExists: true))
        #expect(UTCZoneName.isUTC(variable: "UTC", localtime: nil, localtimeExists: false))
        #expect(UTCZoneName.isUTC(variable: ":Etc/UTC", localtime: nil, localtimeExists: true))
        #expect(UTCZoneName.isUTC(variable: "GMT", localtime: "/usr/share/zoneinfo/Europe/Berlin", localtimeExists: true))
    }

    @Test func withNeitherTZNorLocaltimeTheZoneIsUTC() {
        #expect(UTCZoneName.isUTC(variable: nil, localtime: nil, localtimeExists: false))
    }

    @Test func anyOtherZoneIsLeftAlone() {
        #expect(!UTCZoneName.isUTC(variable: nil, localtime: "/usr/share/zoneinfo/Europe/Berlin", localtimeExists: true))
        #expect(!UTCZoneName.isUTC(variable: nil, localtime: "/usr/share/zoneinfo/Etc/GMT+5", localtimeExists: true))
        // Leap seconds counted: 27 s away from GMT.
        #expect(!UTCZoneName.isUTC(variable: nil, localtime: "/usr/share/zoneinfo/right/UTC", localtimeExists: true))
        // A copied file rather than a link: its zone cannot be told from its name.
        #expect(!UTCZoneName.isUTC(variable: nil, localtime: nil, localtimeExists: true))
        // TZ decides over /etc/localtime, as it does for glibc.
        #expect(!UTCZoneName.isUTC(variable: "America/New_York", localtime: "/usr/share/zoneinfo/Etc/UTC", localtimeExists: true))
        #expect(!UTCZoneName.isUTC(variable: "EST5EDT", localtime: nil, localtimeExists: false))
        #expect(!UTCZoneName.isUTC(variable: "UTC-3", localtime: nil, localtimeExists: false))
    }
}
