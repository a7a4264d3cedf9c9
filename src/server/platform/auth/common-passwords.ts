/**
 * Common passwords refused whatever the policy (compared without case): the demo password the
 * README publishes, the usual top lists' entries, and the ones Chinese administrators and devices
 * are known to use (`Aa123456`, `P@ssw0rd`, `Qwer1234`, `Huawei@123` …). Short on purpose — the
 * patterns they come from (a common word or keyboard run plus digits and symbols) are caught by
 * `checkPasswordPolicy`'s base-word rule as well. One entry per whitespace-separated word.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `
123456 123456789 12345678 12345 1234567 1234567890 111111 000000 123123 666666 888888 654321 112233
121212 123321 147258 159357 1314520 5201314 520520 123qwe 1q2w3e 1q2w3e4r 1q2w3e4r5t 1qaz2wsx
1qaz@wsx 1qazxsw2 2wsx3edc qazwsx qazwsxedc zaq12wsx !qaz2wsx 1qaz!qaz 1qaz@wsx3edc password
password1 password12 password123 password1234 password! password@123 password#123 passw0rd p@ssw0rd
p@ssword p@ssw0rd1 p@ssw0rd123 p@55w0rd pa$$w0rd pa$$word passw0rd! passw0rd1 passw0rd123 p@ssw0rd!
p@ss1234 pass1234 pass@123 pass@word1 passw0rd@123 password@2024 password@2025 password@2026 qwerty
qwerty1 qwerty12 qwerty123 qwerty1234 qwerty!@# qwer1234 qwer@1234 qwer!234 qwer123! qwer1234!
qwe123 qwe123!@# qweasd qweasdzxc qweasd123 qwe!@#123 asdf1234 asdf@1234 asd123 asdfgh zxcv1234
zxcvbnm zxc123 zxcvbn123 a123456 a12345678 a123456789 aa123456 aa12345678 aa123456789 aa112233
abc123 abc1234 abc12345 abc123456 abc@123 abc@1234 abc#123 abcd1234 abcd@1234 abcd123! abcdef
abcdefg abc123!@# a1b2c3d4 a1b2c3 a1234567 123456a 123456aa 123456abc 123456qq qq123456 woaini
woaini1314 woaini520 woaini123 wodemima iloveyou iloveyou1 admin admin1 admin12 admin123 admin1234
admin888 admin@123 admin@1234 admin@12345 admin#123 admin123! admin!@# administrator root root123
root@123 root1234 toor test test123 test@123 test1234 tester user user123 user@123 guest guest123
welcome welcome1 welcome123 welcome@123 letmein letmein1 changeme changeme123 changeme@123
huawei@123 huawei12#$ huawei123 sangfor@123 sangfor123 h3c@123 admin@huawei ruijie@123 zte@123
hik12345 hik123456 hikvision 12345abc 1234qwer 1234asdf 123456qwe 123456qwerty 123qweasd
123qweasdzxc 123abc 123abc!@# 888888aa 666666aa 1234abcd 12qwaszx 12qw!@qw 1qa2ws3ed 159753
741852963 963852741 147258369 321654 monkey dragon master shadow sunshine princess football
baseball superman batman trustno1 hello hello123 hello@123 iloveu michael jordan23 starwars
whatever freedom ninja mustang access login login123 secret secret123 china china123 china@123
beijing beijing123 shanghai zhongguo nihao nihao123 aini1314 mima123 mima@123 mima1234 jiayuan
jiayuan123 jiayuan@123 jiayuan@2024 jiayuan@2025 jiayuan@2026 jiayuan@2027 jiayuan2026 jiayuan#2026
community community@123 wangge@123 grid@123 shequ@123 shequ123 aa123456! aa1234567 aa123123
aa111111 aa666666 aa888888 aa@123456 aa123456@ aa1234@ aa123.com abc@12345 abcd@123 abc123..
a123456a qwert12345 qwerty@123 qwerty12345 qaz123456 qazwsx123 qazwsx@123 zxcvbnm123 admin12345
admin@2024 admin@2025 admin@2026 root@1234 test@1234 welcome@1 password1! password@1 p@ssword1
p@$$w0rd changeme1 ilovechina1 beijing@123 sunshine1 princess1 football1 monkey123 dragon123
master123 shadow123 summer2024 summer2025 winter2024 winter2025 spring2025 spring2026 autumn2025
aa000000 zz123456 ww123456 abcdef123 abcdefg1 aa147258 aa159357 aa520520 aa5201314 aa1314520
xx123456 ab123456 ab@123456
`
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase()),
);
