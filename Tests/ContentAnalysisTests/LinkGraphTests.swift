@testable import ContentAnalysis
import Testing

@Suite struct LinkGraphTests {
    @Test func chainsWithinTheHopLimitResolve() {
        var graph = LinkGraph()
        for step in 1...5 { graph.addSymlink("l\(step)", target: "l\(step + 1)") }
        #expect(graph.firstLoop(maxHops: 5) == nil)
        #expect(graph.firstLoop(maxHops: 4) == "l1")
    }

    @Test func selfReferencesThroughDotAndAbsoluteTargetsAreNotLoops() {
        var graph = LinkGraph()
        graph.addSymlink("usr/bin/X11", target: ".")
        graph.addSymlink("lib", target: "/usr/lib")
        graph.addSymlink("usr/lib/libz.so", target: "../../lib/libz.so.1")
        graph.addHardlink("usr/bin/gunzip", target: "./usr/bin/gzip")
        #expect(graph.firstLoop(maxHops: 40) == nil)
    }

    @Test func cyclesAreLoopsWhateverTheirSpelling() {
        var direct = LinkGraph()
        direct.addSymlink("etc/a", target: "/etc/b")
        direct.addSymlink("etc/b", target: "../etc/a")
        #expect(direct.firstLoop(maxHops: 40) == "etc/a")

        var throughDirectory = LinkGraph()
        throughDirectory.addSymlink("opt/app", target: "current")
        throughDirectory.addSymlink("opt/current", target: "app/releases")
        #expect(throughDirectory.firstLoop(maxHops: 40) == "opt/app")

        var viaHardlink = LinkGraph()
        viaHardlink.addHardlink("x", target: "y")
        viaHardlink.addSymlink("y", target: "x")
        #expect(viaHardlink.firstLoop(maxHops: 40) == "x")
    }
}
