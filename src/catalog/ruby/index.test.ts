import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFS } from '../../image/fs/memory.js';
import { runCataloger } from '../testing.js';
import { rubyCataloger, classifyRubyPath } from './index.js';
import { parseGemspec } from './gemspec.js';
import { parseGemfileLock } from './gemfile-lock.js';

// as written by RubyGems 3.4 (Gem::Specification#to_ruby) into /usr/local/bundle/specifications
const RACK = `# -*- encoding: utf-8 -*-
# stub: rack 2.2.8 ruby lib

Gem::Specification.new do |s|
  s.name = "rack".freeze
  s.version = "2.2.8"

  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.metadata = { "bug_tracker_uri" => "https://github.com/rack/rack/issues", "changelog_uri" => "https://github.com/rack/rack/blob/master/CHANGELOG.md" } if s.respond_to? :metadata=
  s.require_paths = ["lib".freeze]
  s.authors = ["Leah Neukirchen".freeze]
  s.bindir = "exe".freeze
  s.date = "2023-07-31"
  s.description = "Rack provides a minimal, modular and adaptable interface for developing\\nweb applications in Ruby.\\n".freeze
  s.email = "leah@vuxu.org".freeze
  s.executables = ["rackup".freeze]
  s.files = ["exe/rackup".freeze]
  s.homepage = "https://github.com/rack/rack".freeze
  s.licenses = ["MIT".freeze]
  s.required_ruby_version = Gem::Requirement.new(">= 2.4.0".freeze)
  s.rubygems_version = "3.4.10".freeze
  s.summary = "A modular Ruby webserver interface.".freeze

  s.installed_by_version = "3.4.10" if s.respond_to? :installed_by_version

  s.specification_version = 4

  s.add_development_dependency(%q<minitest>.freeze, ["~> 5.0"])
end
`;

const NOKOGIRI = `# -*- encoding: utf-8 -*-
# stub: nokogiri 1.15.4 x86_64-linux lib

Gem::Specification.new do |s|
  s.name = "nokogiri".freeze
  s.version = "1.15.4"
  s.platform = "x86_64-linux".freeze

  s.authors = ["Mike Dalessio".freeze, "Aaron Patterson".freeze, "Yoko Harada".freeze]
  s.homepage = "https://nokogiri.org".freeze
  s.licenses = ["MIT".freeze]
  s.summary = "Nokogiri (\\u92F8) makes it easy and painless to work with XML and HTML from Ruby.".freeze
end
`;

// Debian gem2deb style (older RubyGems), with %q{} strings and Gem::Version
const DEBIAN_NET_TELNET = `# -*- encoding: utf-8 -*-
# stub: net-telnet 0.2.0 ruby lib

Gem::Specification.new do |s|
  s.name = %q{net-telnet}
  s.version = Gem::Version.new("0.2.0")
  s.license = 'Ruby'
  s.licenses = %w[BSD-2-Clause]
  s.summary = %q{Provides telnet client functionality (with {nested} braces).}
end
`;

const DEFAULT_JSON = `# -*- encoding: utf-8 -*-
# stub: json 2.6.3 ruby lib
# stub: ext/json/extconf.rb

Gem::Specification.new do |s|
  s.name = "json".freeze
  s.version = "2.6.3"
  s.licenses = ["Ruby".freeze]
  s.summary = "JSON Implementation for Ruby".freeze
end
`;

test('gemspec literal parser', () => {
  assert.deepEqual(parseGemspec(RACK), {
    name: 'rack',
    version: '2.2.8',
    licenses: ['MIT'],
    platform: 'ruby',
    summary: 'A modular Ruby webserver interface.',
    homepage: 'https://github.com/rack/rack',
    authors: ['Leah Neukirchen'],
  });
  const n = parseGemspec(NOKOGIRI)!;
  assert.equal(n.platform, 'x86_64-linux');
  assert.equal(n.summary, 'Nokogiri (\u92F8) makes it easy and painless to work with XML and HTML from Ruby.');
  assert.deepEqual(n.authors, ['Mike Dalessio', 'Aaron Patterson', 'Yoko Harada']);
  const d = parseGemspec(DEBIAN_NET_TELNET)!;
  assert.equal(d.name, 'net-telnet');
  assert.equal(d.version, '0.2.0');
  assert.deepEqual(d.licenses, ['Ruby', 'BSD-2-Clause']);
  assert.equal(d.summary, 'Provides telnet client functionality (with {nested} braces).');
  // multi-line arrays, block with spec var, interpolation is not evaluated, stub as fallback
  const hand = parseGemspec(`# stub: myg 1.0.0 ruby lib\nGem::Specification.new do |spec|\n  spec.name = "my#{'g'}"\n  spec.version = MyG::VERSION\n  spec.licenses = [\n    "MIT", # main\n    'Apache-2.0',\n  ]\nend\n`)!;
  assert.equal(hand.name, 'myg');
  assert.equal(hand.version, '1.0.0');
  assert.deepEqual(hand.licenses, ['MIT', 'Apache-2.0']);
  assert.equal(parseGemspec('puts "hello"'), undefined);
  // never executes anything: backticks and system calls are just not literals
  const evil = parseGemspec('Gem::Specification.new do |s|\n  s.name = `rm -rf /`\n  s.version = system("id")\nend\n')!;
  assert.equal(evil.name, undefined);
  assert.equal(evil.version, undefined);
});

test('Gemfile.lock GEM specs, platform split, other sections ignored', () => {
  const lock = `GIT
  remote: https://github.com/rails/rails.git
  revision: 0123456789abcdef
  specs:
    rails (7.1.0.alpha)

PATH
  remote: engines/admin
  specs:
    admin (0.1.0)

GEM
  remote: https://rubygems.org/
  specs:
    actioncable (7.0.4)
      actionpack (= 7.0.4)
      nio4r (~> 2.0)
    nio4r (2.5.8)
    nokogiri (1.15.4-aarch64-linux)
      racc (~> 1.4)
    nokogiri (1.15.4-x86_64-linux)
      racc (~> 1.4)
    racc (1.7.1)
    broken line here

PLATFORMS
  aarch64-linux
  x86_64-linux

DEPENDENCIES
  rails!
  nokogiri

BUNDLED WITH
   2.4.19
`;
  const r = parseGemfileLock(lock);
  assert.deepEqual(r.gems, [
    { name: 'actioncable', version: '7.0.4', platforms: [] },
    { name: 'nio4r', version: '2.5.8', platforms: [] },
    { name: 'nokogiri', version: '1.15.4', platforms: ['aarch64-linux', 'x86_64-linux'] },
    { name: 'racc', version: '1.7.1', platforms: [] },
  ]);
  assert.deepEqual(r.problems, ['1 spec lines could not be parsed and were skipped']);
});

test('path rules', () => {
  assert.equal(classifyRubyPath('usr/local/bundle/specifications/rack-2.2.8.gemspec'), 'gemspec');
  assert.equal(classifyRubyPath('usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.3.gemspec'), 'default-gemspec');
  assert.equal(classifyRubyPath('usr/share/rubygems-integration/all/specifications/net-telnet-0.2.0.gemspec'), 'gemspec');
  assert.equal(classifyRubyPath('usr/local/bundle/gems/rack-2.2.8/rack.gemspec'), undefined);
  assert.equal(classifyRubyPath('app/Gemfile.lock'), 'lockfile');
  assert.equal(classifyRubyPath('app/gems.locked'), 'lockfile');
  assert.equal(classifyRubyPath('usr/local/bundle/gems/rack-2.2.8/Gemfile.lock'), undefined);
  assert.equal(classifyRubyPath('app/vendor/bundle/ruby/3.2.0/gems/puma-6.0.0/test/fixtures/Gemfile.lock'), undefined);
});

test('installed specs across RubyGems homes', async () => {
  const fs = new MemoryFS({
    '/usr/local/bundle/specifications/rack-2.2.8.gemspec': RACK,
    '/usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec': NOKOGIRI,
    '/usr/share/rubygems-integration/all/specifications/net-telnet-0.2.0.gemspec': DEBIAN_NET_TELNET,
    '/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.3.gemspec': DEFAULT_JSON,
    '/usr/local/bundle/gems/rack-2.2.8/rack.gemspec': 'Gem::Specification.new do |s|\n s.name = "rack"\n s.version = "2.2.8"\nend\n',
  });
  const { packages, warnings } = await runCataloger(rubyCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => [p.purl, p.licenses, p.locations[0]!.path, p.metadata?.default ?? false, p.metadata?.platform ?? null]),
    [
      ['pkg:gem/json@2.6.3', ['Ruby'], '/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.3.gemspec', true, null],
      ['pkg:gem/net-telnet@0.2.0', ['Ruby', 'BSD-2-Clause'], '/usr/share/rubygems-integration/all/specifications/net-telnet-0.2.0.gemspec', false, null],
      ['pkg:gem/nokogiri@1.15.4', ['MIT'], '/usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec', false, 'x86_64-linux'],
      ['pkg:gem/rack@2.2.8', ['MIT'], '/usr/local/bundle/specifications/rack-2.2.8.gemspec', false, null],
    ],
  );
  const rack = packages.find((p) => p.name === 'rack')!;
  assert.equal(rack.type, 'gem');
  assert.equal(rack.ecosystem, 'RubyGems');
  assert.equal(rack.foundBy, 'ruby');
  assert.deepEqual(rack.metadata, { summary: 'A modular Ruby webserver interface.', homepage: 'https://github.com/rack/rack', authors: ['Leah Neukirchen'] });
});

const APP_LOCK = `GEM
  remote: https://rubygems.org/
  specs:
    byebug (11.1.3)
    nokogiri (1.15.4-x86_64-linux)
      racc (~> 1.4)
    rack (2.2.8)
    racc (1.7.1)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  byebug
  nokogiri
  rack

BUNDLED WITH
   2.4.19
`;

test('Gemfile.lock with the bundle installed: installed specs win, left-out groups not reported', async () => {
  const fs = new MemoryFS({
    '/app/Gemfile.lock': APP_LOCK,
    '/usr/local/bundle/specifications/rack-2.2.8.gemspec': RACK,
    '/usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec': NOKOGIRI,
    '/usr/local/bundle/specifications/racc-1.7.1.gemspec': '# stub: racc 1.7.1 ruby lib\nGem::Specification.new do |s|\n  s.name = "racc".freeze\n  s.version = "1.7.1"\nend\n',
  });
  const { packages } = await runCataloger(rubyCataloger, fs);
  assert.deepEqual(packages.map((p) => `${p.purl} ${p.locations[0]!.path}`), [
    'pkg:gem/nokogiri@1.15.4 /usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec',
    'pkg:gem/racc@1.7.1 /usr/local/bundle/specifications/racc-1.7.1.gemspec',
    'pkg:gem/rack@2.2.8 /usr/local/bundle/specifications/rack-2.2.8.gemspec',
  ]);
});

test('Gemfile.lock without an installed bundle: lockfile gems reported, deduped against installed', async () => {
  const fs = new MemoryFS({
    '/app/Gemfile.lock': APP_LOCK,
    '/usr/local/bundle/specifications/rack-2.2.8.gemspec': RACK,
  });
  const { packages, warnings } = await runCataloger(rubyCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(packages.map((p) => [p.purl, p.locations[0]!.path, p.metadata]), [
    ['pkg:gem/byebug@11.1.3', '/app/Gemfile.lock', { fromLockfile: true }],
    ['pkg:gem/nokogiri@1.15.4', '/app/Gemfile.lock', { fromLockfile: true, platforms: ['x86_64-linux'] }],
    ['pkg:gem/racc@1.7.1', '/app/Gemfile.lock', { fromLockfile: true }],
    ['pkg:gem/rack@2.2.8', '/usr/local/bundle/specifications/rack-2.2.8.gemspec', { summary: 'A modular Ruby webserver interface.', homepage: 'https://github.com/rack/rack', authors: ['Leah Neukirchen'] }],
  ]);
});

test('hostile and malformed input: warn and skip, never throw', async () => {
  const fs = new MemoryFS({
    '/g/specifications/binary-1.0.gemspec': Buffer.from([0x23, 0x00, 0xff]),
    '/g/specifications/huge-1.0.gemspec': '#'.repeat(4 * 1024 * 1024 + 1),
    '/g/specifications/empty-1.0.gemspec': '',
    '/g/specifications/noversion-1.0.gemspec': 'Gem::Specification.new do |s|\n  s.name = "noversion"\nend\n',
    '/g/specifications/badname-1.0.gemspec': 'Gem::Specification.new do |s|\n  s.name = "../../x"\n  s.version = "1.0"\nend\n',
    '/g/specifications/unterminated-1.0.gemspec': 'Gem::Specification.new do |s|\n  s.name = "unterminated\n  s.version = "1.0\n',
    '/g/specifications/deep-1.0.gemspec': 'Gem::Specification.new do |s|\n  s.name = "deep"\n  s.version = "1.0"\n  s.licenses = ' + '['.repeat(5000) + '\nend\n',
    '/g/specifications/ok-1.0.gemspec': 'Gem::Specification.new do |s|\n  s.name = "ok"\n  s.version = "1.0"\nend\n',
    '/app/Gemfile.lock': 'GEM\n  specs:\n    evil (1.0; rm)\n    ../x (1.0)\n',
  });
  const { packages, warnings } = await runCataloger(rubyCataloger, fs);
  assert.deepEqual(packages.map((p) => p.purl), ['pkg:gem/deep@1.0', 'pkg:gem/ok@1.0']);
  for (const frag of ['binary-1.0.gemspec: binary content', 'huge-1.0.gemspec: 4194305 bytes is over', 'empty-1.0.gemspec: no literal name/version', 'noversion-1.0.gemspec: no literal', 'badname-1.0.gemspec: implausible', 'unterminated-1.0.gemspec: no literal', '/app/Gemfile.lock: 1 spec lines', '/app/Gemfile.lock: 1 gems with an implausible']) {
    assert.ok(warnings.some((w) => w.includes(frag)), `missing warning ${frag}:\n${warnings.join('\n')}`);
  }
});
