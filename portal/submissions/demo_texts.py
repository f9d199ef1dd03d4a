"""Demo best-practice texts (Indonesian, 550+ words each). ``{kelurahan}``, ``{kota}`` and ``{bkm}`` vary per team."""

DRAINASE = """## Latar belakang

Setiap musim hujan, warga RW 03 dan RW 04 Kelurahan {kelurahan} di {kota} hampir selalu menghadapi masalah yang sama. Air dari jalan utama mengalir ke gang-gang sempit, saluran lama tersumbat sampah dan lumpur, lalu genangan setinggi betis bertahan dua sampai tiga hari. Anak-anak terlambat sekolah, pedagang kecil tidak bisa berjualan, dan beberapa rumah di bagian paling rendah terpaksa menaikkan perabot ke atas meja. Keluhan ini sudah lama muncul dalam rembug warga, tetapi baru pada tahun ini menjadi prioritas dalam perencanaan jangka menengah program.

## Proses perencanaan bersama warga

Tim fasilitator bersama {bkm} memulai dengan pemetaan swadaya. Relawan dari setiap RT berjalan menyusuri saluran, mencatat titik sumbatan, lebar dan kedalaman saluran, serta rumah yang paling sering tergenang. Hasilnya digambar di atas kertas besar dan dipajang di balai RW agar semua warga bisa memberi masukan. Dari pemetaan itu terlihat bahwa masalah utamanya bukan hanya saluran yang sempit, tetapi juga kemiringan yang salah dan tidak adanya bak kontrol di pertemuan saluran.

Dalam rembug warga yang dihadiri lebih dari delapan puluh orang, termasuk tiga puluh dua perempuan, disepakati pembangunan saluran baru sepanjang 420 meter dengan empat bak kontrol. Warga juga sepakat membentuk Kelompok Swadaya Masyarakat (KSM) Tirta Lestari yang bertanggung jawab atas pelaksanaan dan pemeliharaan. Fasilitator teknik membantu menghitung kebutuhan bahan dan menyusun gambar kerja sederhana yang mudah dipahami tukang setempat.

## Pelaksanaan dan swadaya

Pekerjaan dilaksanakan selama enam minggu. Dana program menutup sebagian besar kebutuhan bahan, sementara warga menyumbang tenaga kerja, konsumsi, dan sebagian material. Catatan KSM menunjukkan swadaya warga setara dengan sekitar dua puluh persen dari nilai pekerjaan. Setiap Minggu pagi diadakan kerja bakti yang diikuti bapak-bapak, ibu-ibu, dan pemuda karang taruna. Ibu-ibu PKK mengatur dapur umum secara bergiliran sehingga pekerjaan tidak pernah berhenti karena urusan makan.

KSM mencatat seluruh pengeluaran di papan informasi yang dipasang di depan balai RW. Nota pembelian difotokopi dan ditempel, sehingga siapa pun bisa memeriksa. Transparansi ini membuat warga yang awalnya ragu ikut menyumbang. Seorang pemilik toko bangunan bahkan memberikan potongan harga karena melihat laporan yang rapi dan terbuka.

## Perubahan yang terjadi

Pada hujan deras pertama setelah saluran selesai, warga berkumpul untuk melihat hasilnya. Air mengalir lancar dan genangan hilang dalam waktu kurang dari satu jam. Sejak itu tidak ada lagi rumah yang kebanjiran di kedua RW tersebut. Perubahan yang lebih penting justru terjadi pada kebiasaan warga. Mereka tidak lagi membuang sampah ke saluran, karena merasa saluran itu milik bersama yang dibangun dengan keringat sendiri.

KSM Tirta Lestari kini menarik iuran pemeliharaan sebesar lima ribu rupiah per rumah setiap bulan. Uang itu dipakai untuk membeli alat kebersihan dan memperbaiki kerusakan kecil. Jadwal pembersihan saluran dibuat per RT dan ditempel di setiap pos ronda. Lurah {kelurahan} memasukkan kegiatan ini ke dalam musyawarah perencanaan pembangunan kelurahan sehingga pemeliharaan mendapat dukungan anggaran dari pemerintah daerah.

## Pelajaran bagi pelaku lain

Ada tiga pelajaran yang bisa dipetik. Pertama, pemetaan swadaya membuat warga memahami masalahnya sendiri dan merasa memiliki solusinya. Kedua, keterbukaan keuangan adalah kunci kepercayaan; papan informasi yang sederhana lebih berpengaruh daripada laporan tebal yang tidak dibaca. Ketiga, pemeliharaan harus direncanakan sejak awal, bukan setelah bangunan selesai.

Kelurahan tetangga sudah dua kali berkunjung untuk belajar dari pengalaman ini. Mereka melihat langsung saluran, papan informasi, dan buku kas KSM. Fasilitator berharap cara kerja yang sama dapat diterapkan untuk kegiatan lain, seperti pengelolaan sampah dan penghijauan bantaran sungai, sehingga perubahan yang dimulai dari saluran kecil ini terus berlanjut dan melembaga di tingkat kelurahan.
"""

PINJAMAN = """## Awal cerita

Di Kelurahan {kelurahan}, {kota}, banyak ibu rumah tangga berjualan kue, sayur, dan lauk matang di depan rumah. Modal mereka kecil, dan ketika membutuhkan tambahan modal, pilihan yang paling mudah adalah meminjam kepada rentenir dengan bunga yang sangat tinggi. Seorang penjual kue bercerita bahwa ia pernah harus mengembalikan hampir dua kali lipat dari uang yang dipinjamnya hanya dalam tiga bulan. Keuntungan harian habis untuk membayar cicilan, dan usaha tidak pernah berkembang.

## Membentuk kelompok dan aturan bersama

{bkm} bersama tim fasilitator mengajak para ibu membentuk kelompok-kelompok kecil beranggota lima sampai sepuluh orang. Setiap kelompok memilih ketua, sekretaris, dan bendahara sendiri. Sebelum pinjaman pertama diberikan, anggota mengikuti pelatihan pembukuan sederhana selama tiga kali pertemuan. Mereka belajar memisahkan uang usaha dari uang belanja rumah tangga, mencatat pemasukan dan pengeluaran, serta menghitung keuntungan yang sebenarnya.

Aturan pinjaman disusun bersama dalam rapat anggota. Besar pinjaman pertama dibatasi, jasa pinjaman ringan dan disepakati terbuka, dan angsuran dibayar setiap minggu dalam pertemuan kelompok. Yang paling penting adalah prinsip tanggung renteng: jika satu anggota kesulitan membayar, anggota lain membantu dan mencari jalan keluar bersama. Aturan ini ditulis, ditandatangani semua anggota, dan salinannya disimpan oleh setiap kelompok.

## Berjalan dan bergulir

Pada putaran pertama, dua belas kelompok dengan delapan puluh tujuh anggota menerima pinjaman. Pertemuan mingguan menjadi lebih dari sekadar tempat membayar angsuran. Di sana anggota saling bertukar pengalaman, misalnya cara mengemas kue agar lebih menarik atau tempat membeli bahan yang lebih murah. Fasilitator ekonomi hadir secara bergiliran untuk mendampingi pembukuan dan membantu kelompok yang mengalami masalah.

Tingkat pengembalian pada putaran pertama mencapai sembilan puluh delapan persen. Dana yang kembali digulirkan lagi kepada anggota baru dan kepada anggota lama yang ingin menambah modal. Unit Pengelola Keuangan BKM membuat laporan bulanan yang dibacakan dalam rapat dan ditempel di papan pengumuman kelurahan, sehingga warga yang bukan anggota pun dapat mengetahui perkembangan dana bergulir.

## Apa yang berubah

Perubahan paling terasa adalah lepasnya para ibu dari jerat rentenir. Seorang penjual sayur kini memiliki gerobak sendiri dan tidak lagi menyewa. Seorang penjual kue sudah menerima pesanan untuk acara kantor kelurahan. Pendapatan rata-rata anggota, menurut catatan pembukuan mereka sendiri, naik sekitar tiga puluh persen dalam satu tahun. Lebih dari itu, para ibu menjadi lebih percaya diri berbicara dalam rapat warga dan ikut menentukan prioritas pembangunan.

Tim fasilitator juga mencatat perubahan cara kelompok mengambil keputusan. Jika dulu rapat hanya diisi oleh beberapa orang yang berani bicara, kini setiap anggota mendapat giliran menyampaikan pendapat. Ketua kelompok dipilih ulang setiap tahun agar kepemimpinan bergilir dan semakin banyak ibu yang belajar memimpin pertemuan serta menyelesaikan masalah bersama.

Suami dan keluarga juga ikut merasakan manfaatnya. Beberapa suami kini membantu berbelanja bahan di pasar pagi atau mengantar pesanan. Anak-anak ikut belajar mencatat uang jajan mereka. Kebiasaan menabung mulai tumbuh; setiap kelompok memiliki tabungan bersama yang dipakai untuk keperluan mendesak anggota tanpa harus meminjam ke luar.

## Keberlanjutan

Agar kegiatan ini bertahan setelah pendampingan selesai, {bkm} melatih kader pembukuan dari setiap kelompok. Kader inilah yang kini melatih anggota baru. Kelurahan telah menghubungkan kelompok dengan koperasi setempat dan bank milik daerah, sehingga kelompok yang sudah kuat dapat mengakses pinjaman yang lebih besar dengan syarat yang wajar.

Pengalaman di {kelurahan} menunjukkan bahwa pinjaman bergulir berhasil bukan karena besarnya dana, tetapi karena kelompok yang solid, aturan yang disepakati bersama, pembukuan yang jujur, dan pendampingan yang sabar. Kelompok-kelompok ini kini menjadi tempat belajar bagi kelurahan lain di {kota} yang ingin memulai kegiatan serupa.
"""

SANITASI = """## Kampung di lereng bukit

Sebagian permukiman Kelurahan {kelurahan} di {kota} berada di lereng bukit yang curam. Jalan menuju rumah-rumah warga hanya berupa tanah yang licin saat hujan, dan banyak keluarga belum memiliki jamban sehat. Air limbah rumah tangga mengalir begitu saja ke bawah lereng, mencemari sumur warga di bagian bawah. Petugas puskesmas mencatat diare sebagai salah satu penyakit yang paling sering dialami anak-anak di wilayah ini.

## Dari keluhan menjadi rencana

Tim fasilitator memulai dengan diskusi kelompok terarah bersama tokoh adat, tokoh agama, ketua RT, dan kelompok perempuan. Diskusi dilakukan di rumah-rumah warga secara bergiliran agar lebih banyak orang bisa hadir, termasuk para ibu yang sulit meninggalkan rumah. Dalam diskusi itu, warga sendiri yang menyimpulkan bahwa jalan setapak dan sanitasi adalah dua masalah yang saling berkaitan: tanpa jalan yang layak, bahan bangunan sulit diangkut dan petugas kesehatan sulit menjangkau rumah warga.

{bkm} kemudian memfasilitasi rembug warga untuk menyusun rencana. Disepakati pembangunan jalan setapak beton sepanjang 350 meter dengan anak tangga di bagian yang curam, serta dua unit sanitasi komunal yang melayani empat puluh dua keluarga. Lokasi sanitasi dipilih bersama, dengan mempertimbangkan jarak dari sumur dan kemudahan perawatan. Pemilik tanah merelakan sebagian lahannya dan menandatangani surat hibah di hadapan lurah.

## Gotong royong di medan yang sulit

Mengangkut pasir, semen, dan batu ke lereng bukit bukan pekerjaan mudah. Warga membentuk rantai manusia dari jalan utama sampai ke lokasi pekerjaan, memindahkan karung demi karung dari tangan ke tangan. Para pemuda bekerja sampai malam, sementara para ibu menyiapkan papeda dan ikan kuah kuning untuk seluruh pekerja. Kerja bersama ini menghidupkan kembali tradisi gotong royong yang mulai jarang terlihat.

Fasilitator teknik mendampingi setiap tahap, dari pemasangan bekisting sampai pengujian kekedapan tangki septik. KSM mencatat setiap bahan yang datang dan yang terpakai. Ketika ada kekurangan semen, warga bermusyawarah dan memutuskan menambah iuran daripada mengurangi mutu pekerjaan. Keputusan ini dicatat dalam berita acara dan diumumkan kepada seluruh warga.

## Hasil dan perubahan perilaku

Jalan setapak kini dapat dilalui dengan aman bahkan saat hujan. Anak-anak berangkat ke sekolah tanpa sepatu berlumpur, dan bidan kelurahan dapat berkunjung lebih sering. Dua unit sanitasi komunal dipakai setiap hari dan dirawat bergiliran oleh kelompok pemanfaat. Enam bulan setelah pembangunan, kader posyandu mencatat kasus diare pada anak turun lebih dari separuh dibandingkan tahun sebelumnya.

Manfaat lain datang dari sisi ekonomi. Dengan jalan yang lebih baik, hasil kebun warga seperti sayur, pisang, dan umbi-umbian lebih mudah dibawa ke pasar. Ongkos angkut turun karena ojek kini mau naik sampai ke permukiman atas. Beberapa ibu mulai membuka kios kecil di tepi jalan setapak yang baru.

Perubahan perilaku terlihat dari hal-hal kecil. Warga kini mencuci tangan dengan sabun sebelum makan, karena kader kesehatan rutin memberikan penyuluhan di sela pertemuan kelompok. Tidak ada lagi yang membuang limbah ke lereng. Beberapa keluarga yang mampu bahkan membangun jamban sendiri di rumah dengan meniru desain yang dibuat fasilitator.

## Menjaga agar tetap berfungsi

Kelompok pemanfaat sanitasi menetapkan iuran bulanan untuk penyedotan tangki septik dan perbaikan kecil. Bendahara kelompok melaporkan kas setiap bulan dalam ibadah bersama di gereja dan masjid setempat, sehingga laporan sampai kepada hampir semua warga. Pemerintah kelurahan berjanji memasukkan pemeliharaan jalan setapak dalam rencana kerja tahunan.

Pengalaman ini menunjukkan bahwa kondisi alam yang sulit tidak menjadi penghalang ketika warga bersatu. Kuncinya adalah melibatkan semua kelompok sejak awal, menghormati tokoh adat dan agama, serta membuat keputusan secara terbuka. Kelurahan lain di {kota} dengan kondisi lereng serupa kini mulai belajar dari {kelurahan}.
"""

TEXTS = [("Saluran bersama, kampung bebas genangan", "Infrastruktur lingkungan", DRAINASE),
         ("Lepas dari rentenir lewat pinjaman bergulir", "Ekonomi warga", PINJAMAN),
         ("Jalan setapak dan sanitasi di lereng bukit", "Sanitasi dan kesehatan", SANITASI)]

BANK_SAMPAH = """## Sampah yang dulu menumpuk di tepi sungai

Dua tahun lalu, tepi sungai kecil yang melintasi Kelurahan {kelurahan} di {kota} dipenuhi kantong plastik, botol, dan sisa makanan. Truk sampah kota hanya datang dua kali seminggu dan tidak bisa masuk ke gang yang sempit, sehingga banyak keluarga memilih membuang sampah ke sungai. Bau tidak sedap muncul setiap sore, nyamuk berkembang biak, dan saat hujan deras aliran sungai tersumbat. Beberapa ibu rumah tangga sebenarnya sudah lama memilah botol plastik untuk dijual ke pengepul, tetapi mereka bergerak sendiri-sendiri dan hasilnya tidak terasa.

## Dari obrolan arisan menjadi rencana kelurahan

Gagasan bank sampah muncul dalam arisan ibu-ibu RW 05. Seorang kader yang pernah melihat bank sampah di kota lain menceritakan bagaimana sampah bisa ditabung seperti uang. Fasilitator yang kebetulan hadir mengajak mereka membawa gagasan itu ke rembug warga. Di sana warga memetakan jenis sampah yang paling banyak dihasilkan, menghitung berapa keluarga yang bersedia ikut, dan mencari tempat penyimpanan. {bkm} menyediakan sebagian dana untuk timbangan, rak, dan karung, sementara pemilik gudang kosong di ujung gang meminjamkan bangunannya tanpa sewa.

## Cara kerja yang sederhana

Setiap Sabtu pagi nasabah datang membawa sampah yang sudah dipilah menjadi plastik, kertas, logam, dan kaca. Petugas menimbang, mencatat di buku tabungan, lalu menempelkan rekap mingguan di papan pengumuman. Harga per kilogram mengikuti harga pengepul dan diumumkan setiap awal bulan agar tidak ada kecurigaan. Tabungan boleh diambil menjelang hari raya atau tahun ajaran baru, saat keluarga paling membutuhkan uang tunai. Sampah organik tidak ditabung, tetapi diolah menjadi kompos di lahan sempit belakang gudang dan dipakai untuk tanaman obat keluarga.

Pengurus terdiri dari tujuh orang, lima di antaranya perempuan. Mereka mendapat pelatihan pembukuan dari fasilitator dan belajar membuat laporan keuangan yang bisa dibaca siapa saja. Anak-anak sekolah dasar dilibatkan lewat lomba kelas terbersih dan tabungan sampah atas nama murid, sehingga kebiasaan memilah sampah terbawa sampai ke rumah.

## Hasil setelah delapan belas bulan

Kini bank sampah memiliki 214 nasabah dari empat RW. Dalam setahun terakhir terkumpul lebih dari sebelas ton sampah kering yang tidak lagi berakhir di sungai. Nilai tabungan warga mencapai belasan juta rupiah, dan sebagian dipakai untuk membayar iuran kesehatan keluarga. Tepi sungai yang dulu kotor sekarang ditanami pohon pisang dan bunga oleh karang taruna. Petugas kebersihan kelurahan mencatat volume sampah yang diangkut truk berkurang hampir sepertiga.

Keberhasilan ini menarik perhatian dinas lingkungan hidup kota, yang kemudian memberikan mesin pencacah plastik. Dengan mesin itu, plastik dijual dalam bentuk cacahan dengan harga lebih tinggi. Pengurus juga mulai bekerja sama dengan sekolah dan warung di sekitar kelurahan.


## Tantangan di tengah jalan

Perjalanan bank sampah tidak selalu mulus. Pada bulan keempat, harga plastik di tingkat pengepul turun tajam dan sebagian nasabah berhenti datang karena merasa tabungannya tidak bertambah. Pengurus lalu mengadakan pertemuan terbuka untuk menjelaskan naik turunnya harga dan mengajak nasabah tetap memilah, karena manfaat utamanya adalah sungai yang bersih, bukan semata uang. Mereka juga mencari pembeli kertas dan kardus di percetakan kecil, sehingga pendapatan tidak hanya bergantung pada plastik. Masalah lain muncul ketika gudang mulai penuh sebelum pengepul datang. Pengurus menyepakati jadwal pengambilan dua minggu sekali dan menata ulang rak agar karung bisa ditumpuk dengan aman. Dari pengalaman itu, pengurus belajar mencatat volume setiap jenis sampah, sehingga mereka tahu kapan harus menghubungi pembeli sebelum gudang kewalahan.
## Catatan untuk kelurahan lain

Pelajaran terpenting dari {kelurahan} adalah memulai dari kelompok kecil yang sudah bergerak, bukan dari nol. Keterbukaan harga dan catatan tabungan menjaga kepercayaan nasabah, sedangkan keterlibatan anak-anak memastikan kebiasaan baru bertahan. Fasilitator menyarankan agar bank sampah tidak bergantung pada satu pengepul saja, dan agar pengurus bergiliran supaya tidak ada yang kelelahan. Bagi warga, bank sampah bukan sekadar tempat menjual barang bekas, tetapi juga ruang bertemu, berbagi kabar, dan menjaga kampung bersama-sama.
"""

REMBUG = """## Rembug yang dulu hanya dihadiri bapak-bapak

Di Kelurahan {kelurahan}, {kota}, rembug warga biasanya digelar malam hari setelah isya. Yang datang hampir selalu kepala keluarga laki-laki, sedangkan para ibu tinggal di rumah menjaga anak. Akibatnya, usulan yang muncul lebih banyak tentang jalan dan pos ronda, sementara kebutuhan yang sering disuarakan ibu-ibu dalam pengajian dan posyandu, seperti air bersih, penerangan gang, dan ruang bermain anak, jarang masuk ke daftar prioritas. Fasilitator mencatat bahwa dalam dua tahun berturut-turut hanya enam persen peserta rembug adalah perempuan.

## Mengubah waktu, tempat, dan cara bicara

Tim fasilitator bersama {bkm} mencoba hal sederhana: rembug dipindah ke Minggu siang di halaman masjid, disediakan tikar untuk anak-anak, dan kader perempuan diminta menjadi pemandu diskusi. Undangan tidak hanya ditujukan kepada kepala keluarga, tetapi kepada setiap warga dewasa. Sebelum rembug, kader mengunjungi kelompok pengajian, arisan, dan antrean posyandu untuk menanyakan apa yang paling mengganggu kehidupan sehari-hari. Catatan itu dibacakan di awal rembug supaya suara yang tidak sempat hadir tetap terdengar.

Diskusi dibagi ke dalam kelompok kecil. Setiap kelompok menggambar peta kampung dan menandai tempat yang dianggap berbahaya atau kurang layak. Cara ini membuat warga yang tidak terbiasa berbicara di depan umum tetap bisa menyampaikan pendapat lewat gambar. Ibu-ibu menandai gang gelap tempat anak sekolah harus lewat saat magrib dan sumur umum yang airnya keruh.

## Prioritas yang berubah

Hasil rembug tahun itu berbeda dari sebelumnya. Tiga prioritas teratas adalah lampu penerangan di empat gang, perbaikan sumur umum dengan saringan pasir, dan pembangunan tempat bermain kecil di lahan kosong milik kelurahan. Pembangunan jalan tetap masuk daftar, tetapi di urutan berikutnya. Dari 146 peserta, 71 adalah perempuan, dan dua di antaranya terpilih menjadi koordinator Kelompok Swadaya Masyarakat yang melaksanakan kegiatan.

Pelaksanaan berjalan dalam dua bulan. Kader perempuan mengatur jadwal kerja bakti agar tidak bentrok dengan jam pasar dan jam sekolah. Mereka juga mencatat penggunaan dana dan melaporkannya setiap minggu di papan informasi masjid.

## Dampak yang dirasakan

Gang yang dulu gelap kini terang, dan orang tua tidak lagi khawatir ketika anaknya pulang mengaji. Air sumur umum menjadi jernih, sehingga keluarga yang tidak memiliki sumur sendiri tidak perlu membeli air galon untuk memasak. Tempat bermain kecil menjadi titik kumpul anak-anak dan ibu-ibu pada sore hari. Lurah {kelurahan} kemudian menetapkan bahwa setiap musyawarah kelurahan harus menghadirkan sedikitnya sepertiga peserta perempuan.


## Tidak semua pihak langsung setuju

Perubahan cara rembug sempat menimbulkan keberatan. Beberapa tokoh lama merasa rembug siang hari mengganggu waktu istirahat, dan ada yang menganggap urusan pembangunan sebaiknya tetap diputuskan kepala keluarga. Fasilitator tidak memaksa, tetapi mengajak para tokoh itu hadir sebagai pengamat pada rembug pertama. Setelah melihat diskusi berjalan tertib dan usulan yang muncul masuk akal, sebagian besar dari mereka berbalik mendukung. Tantangan lain adalah rasa canggung para ibu ketika harus berbicara di depan banyak orang. Kader menyiasatinya dengan latihan kecil di kelompok pengajian, membiasakan setiap ibu menyampaikan satu usulan dalam satu menit. Cara ini terbukti membantu. Pada rembug berikutnya, ibu-ibu tidak lagi menunggu ditunjuk, tetapi mengangkat tangan sendiri untuk berpendapat, bahkan menanggapi usulan bapak-bapak dengan alasan yang jelas dan data dari lapangan.
## Pelajaran

Pengalaman ini menunjukkan bahwa partisipasi tidak cukup diundang, tetapi harus dimudahkan. Waktu, tempat, dan cara diskusi menentukan siapa yang bisa hadir dan berbicara. Kader perempuan yang dipercaya memimpin ternyata mampu menggerakkan tetangganya dengan cara yang tidak bisa dilakukan oleh pengurus lama. Kelurahan lain di {kota} kini mengundang para kader ini untuk berbagi pengalaman.
"""

POSYANDU = """## Posyandu yang hampir tutup

Posyandu di RW 02 Kelurahan {kelurahan}, {kota}, pernah hanya didatangi belasan ibu setiap bulan. Ruangannya menumpang di teras rumah kader, timbangan bayi sering rusak, dan pencatatan dilakukan di buku tulis yang mudah hilang. Banyak ibu muda memilih tidak datang karena harus antre lama di bawah terik matahari. Petugas puskesmas menilai cakupan penimbangan balita di wilayah itu termasuk yang paling rendah di kecamatan, padahal beberapa anak menunjukkan tanda kurang gizi.

## Menghidupkan kembali bersama warga

Dalam pemetaan swadaya, warga memasukkan posyandu sebagai salah satu masalah yang perlu segera ditangani. Fasilitator mengajak kader, bidan desa, dan pengurus {bkm} duduk bersama untuk mencari akar masalahnya. Ternyata masalah utamanya bukan kurangnya kepedulian, melainkan tempat yang tidak nyaman, jadwal yang tidak menentu, dan kader yang kelelahan karena jumlahnya hanya tiga orang.

Warga sepakat merenovasi ruang kosong di balai RW menjadi ruang posyandu dengan ventilasi yang baik, bangku tunggu, dan sudut bermain anak. Dana program dipakai untuk bahan bangunan dan alat ukur, sedangkan tukang setempat bekerja dengan upah separuh. Sepuluh ibu muda mendaftar menjadi kader baru dan dilatih bidan tentang cara menimbang, mengukur panjang badan, dan mengisi kartu menuju sehat.

## Jadwal tetap dan layanan yang lebih lengkap

Posyandu kini buka setiap Rabu kedua pukul delapan pagi, dan jadwalnya diumumkan lewat pengeras suara masjid serta grup pesan warga. Alur pelayanan dibuat jelas: pendaftaran, penimbangan, pencatatan, penyuluhan, dan pelayanan bidan. Kader membuat menu makanan tambahan dari bahan lokal seperti ikan, tempe, dan sayur daun kelor yang ditanam di pekarangan. Setiap bulan satu keluarga secara bergiliran menyumbang bahan makanan, sehingga biaya tetap ringan.

Pencatatan dipindah ke buku register baru dan disalin ke lembar rekap yang dikirim ke puskesmas. Anak yang berat badannya tidak naik dua bulan berturut-turut langsung dikunjungi kader di rumahnya.

## Perubahan dalam satu tahun

Jumlah balita yang ditimbang naik dari 18 menjadi 93 anak setiap bulan. Empat anak yang sebelumnya kurang gizi kini berat badannya kembali normal setelah pendampingan makanan tambahan. Ibu hamil juga mulai rutin datang untuk pemeriksaan awal. Puskesmas memberi penghargaan kepada posyandu ini sebagai posyandu dengan peningkatan cakupan tertinggi di kecamatan, dan pemerintah kelurahan menganggarkan insentif bulanan bagi para kader.


## Tantangan menjaga semangat kader

Beban kader posyandu ternyata tidak ringan. Mereka harus menyiapkan alat sejak subuh, melayani puluhan ibu dan balita, lalu menyalin data hingga siang hari, semuanya tanpa bayaran tetap pada bulan-bulan pertama. Dua kader baru sempat mengundurkan diri karena merasa tidak sanggup membagi waktu dengan pekerjaan di rumah. Pengurus {bkm} dan bidan kemudian menyusun pembagian tugas yang lebih adil, sehingga setiap kader hanya memegang satu meja layanan dan bergiliran libur. Mereka juga membuat lembar catatan yang lebih sederhana agar penyalinan data tidak memakan waktu lama. Warga ikut membantu dengan menyiapkan kursi dan membersihkan ruangan sebelum posyandu dibuka. Dukungan kecil seperti ini membuat kader merasa dihargai, dan sejak itu tidak ada lagi yang mundur. Beberapa suami kader bahkan ikut membantu mengangkat meja dan menata antrean.
## Yang bisa ditiru

Kunci keberhasilan di {kelurahan} adalah memperbaiki hal-hal yang membuat ibu enggan datang, bukan sekadar mengimbau mereka datang. Tempat yang nyaman, jadwal yang pasti, dan kader yang cukup membuat pelayanan berjalan tanpa tergesa-gesa. Kader baru yang berasal dari kalangan ibu muda juga membuat posyandu terasa dekat dengan kebutuhan mereka. Kelurahan tetangga sudah meminta bantuan para kader untuk melatih kader mereka sendiri.
"""

PAVING = """## Gang becek yang memisahkan warga

Gang Melati di Kelurahan {kelurahan}, {kota}, adalah jalan satu-satunya bagi sekitar seratus keluarga menuju jalan raya. Panjangnya hampir setengah kilometer, lebarnya kurang dari dua meter, dan permukaannya masih tanah. Setiap kali hujan, gang berubah menjadi lumpur. Anak-anak berangkat sekolah dengan sepatu di tangan, pedagang sayur tidak bisa lewat dengan gerobak, dan orang tua yang sakit harus ditandu untuk dibawa ke puskesmas. Usulan pengerasan gang sudah diajukan berkali-kali ke musyawarah kelurahan, tetapi selalu kalah oleh kegiatan lain.

## Perencanaan yang teliti

Ketika usulan ini akhirnya menjadi prioritas dalam rembug warga, fasilitator teknik mengajak relawan mengukur gang meter demi meter. Mereka mencatat titik yang paling rendah, rumah yang terasnya lebih tinggi dari jalan, dan saluran pembuangan yang menyeberang gang. Dari pengukuran itu disusun rencana pemasangan paving block dengan kemiringan ke arah saluran di sisi kiri, agar air hujan tidak lagi tergenang. Rencana anggaran dibuat bersama {bkm} dan dibacakan di depan warga sebelum disetujui.

Warga membentuk Kelompok Swadaya Masyarakat yang terdiri dari sembilan orang, termasuk tiga perempuan yang bertugas mengelola keuangan dan logistik. Mereka membandingkan harga dari tiga toko bahan bangunan dan memilih yang memberikan harga paling baik sekaligus bersedia mengantar sampai mulut gang.

## Gotong royong selama lima akhir pekan

Pekerjaan dibagi per segmen sepanjang lima puluh meter, dan setiap RT bertanggung jawab atas segmennya sendiri. Bapak-bapak meratakan tanah dan memasang pasir, pemuda mengangkut paving dengan gerobak, dan ibu-ibu menyiapkan makanan serta minuman. Tukang berpengalaman memandu pemasangan agar pola dan kemiringan sesuai gambar. Swadaya warga berupa tenaga, konsumsi, dan sumbangan semen dari beberapa keluarga dihitung setara dengan dua puluh tiga persen nilai pekerjaan.

Setiap akhir pekan, pengurus KSM memasang foto kemajuan pekerjaan dan rekap pengeluaran di papan informasi. Warga yang merantau ikut menyumbang setelah melihat foto-foto itu dibagikan di grup pesan keluarga.

## Setelah gang selesai

Kini Gang Melati bisa dilalui sepeda motor dan gerobak dalam segala cuaca. Pedagang sayur kembali masuk setiap pagi, dan beberapa warga membuka warung kecil di teras rumahnya karena jalan menjadi ramai. Ambulans kelurahan bisa menjemput warga sampai ke depan rumah. Yang tidak kalah penting, warga merasa memiliki jalan itu. Mereka menyepakati larangan membakar sampah di atas paving dan membentuk jadwal membersihkan saluran sebulan sekali.


## Perbedaan pendapat yang diselesaikan bersama

Selama pekerjaan berlangsung, beberapa persoalan harus dipecahkan. Dua keluarga keberatan karena teras rumah mereka menjadi lebih rendah dari permukaan paving dan khawatir air masuk ke rumah. KSM bersama fasilitator teknik meninjau langsung lokasi itu, lalu menyesuaikan kemiringan dan menambah saluran kecil di depan kedua rumah. Persoalan lain muncul ketika hujan turun tiga hari berturut-turut dan pekerjaan tertunda, sehingga sebagian pasir terbawa air. Pengurus memutuskan menutup timbunan pasir dengan terpal dan mengatur ulang jadwal kerja bakti. Ada pula warga yang awalnya enggan ikut bekerja karena merasa rumahnya tidak berada di segmen yang dikerjakan. Ketua RT mengingatkan bahwa gang itu dipakai semua orang, dan sejak minggu ketiga hampir setiap keluarga mengirimkan wakilnya. Semua keputusan dicatat dalam buku notulen KSM agar mudah ditelusuri.
## Pelajaran

Pengalaman di {kelurahan} menunjukkan bahwa pekerjaan fisik yang kecil pun perlu perencanaan teknis yang sungguh-sungguh, terutama soal aliran air. Pembagian tanggung jawab per RT menjaga semangat dan membuat pekerjaan cepat selesai. Keterbukaan anggaran sejak awal membuat warga percaya dan bersedia menambah swadaya.
"""

TAMAN_BACA = """## Anak-anak yang menghabiskan sore di depan layar

Di Kelurahan {kelurahan}, {kota}, sebagian besar anak menghabiskan sore dengan bermain gawai di pos ronda atau di teras warung. Tidak ada perpustakaan di dekat kampung, dan toko buku terdekat berjarak lebih dari lima kilometer. Guru sekolah dasar setempat mengeluhkan kemampuan membaca murid kelas tiga yang masih tertinggal. Beberapa pemuda karang taruna sebenarnya memiliki buku bekas di rumah, tetapi tidak tahu bagaimana membuatnya bermanfaat bagi anak-anak.

## Gagasan dari pemetaan swadaya

Ketika warga memetakan potensi kampung, pemuda mencatat ruang belakang balai RW yang jarang dipakai. Mereka mengusulkan ruang itu dijadikan taman baca. Fasilitator membantu menyusun rencana sederhana: memperbaiki atap yang bocor, memasang rak, menambah penerangan, dan mengumpulkan buku. {bkm} menyetujui dana kecil untuk bahan bangunan dan rak, sedangkan buku dikumpulkan lewat gerakan sumbang satu buku dari setiap keluarga dan alumni sekolah.

Dalam dua minggu terkumpul lebih dari enam ratus buku, mulai dari buku cerita anak, komik pendidikan, buku resep, sampai buku pertanian. Relawan memilah buku menurut usia pembaca dan memberi label warna pada punggung buku agar anak-anak mudah menemukan bacaan yang sesuai.

## Kegiatan yang membuat anak betah

Taman baca buka setiap hari pukul tiga sampai lima sore. Relawan bergiliran menjaga, membacakan cerita untuk anak usia dini, dan membantu anak yang kesulitan mengerjakan pekerjaan rumah. Setiap Sabtu diadakan kegiatan khusus seperti lomba mendongeng, menggambar tokoh cerita, atau menulis surat untuk teman di kampung lain. Ibu-ibu juga datang meminjam buku resep dan buku tentang kesehatan keluarga, sehingga taman baca menjadi tempat belajar bagi semua umur.

Peminjaman dicatat di buku besar dengan nama peminjam dan tanggal kembali. Anak yang rajin mengembalikan buku tepat waktu mendapat stiker bintang yang ditempel di papan prestasi.

## Apa yang berubah

Setelah delapan bulan, rata-rata empat puluh anak datang setiap hari. Guru melaporkan bahwa murid kelas tiga yang rutin datang ke taman baca menunjukkan kemajuan membaca yang jelas. Beberapa anak mulai menulis cerita pendek yang ditempel di dinding taman baca. Pemerintah kelurahan memberikan tambahan rak dan menyambungkan taman baca dengan program perpustakaan keliling dari dinas perpustakaan kota, sehingga koleksi buku berganti setiap tiga bulan.


## Menjaga buku dan relawan

Masalah pertama yang muncul adalah buku yang tidak kembali. Pada bulan kedua, hampir lima puluh buku dipinjam tanpa dikembalikan. Relawan tidak menghukum peminjam, tetapi mengumumkan daftar buku yang dicari di papan pengumuman dan meminta orang tua ikut mengingatkan anaknya. Dalam dua minggu, sebagian besar buku kembali. Masalah kedua adalah relawan yang mulai jarang datang karena kesibukan kuliah dan pekerjaan. Karang taruna kemudian membuat jadwal jaga bulanan yang ditempel di pintu dan grup pesan, serta mengajak siswa sekolah menengah menjadi relawan pendamping. Atap ruangan juga sempat bocor lagi pada puncak musim hujan sehingga beberapa buku rusak. Warga bergotong royong memperbaiki talang, dan buku yang rusak dijemur serta disampul ulang. Dari kejadian itu, rak dipindah menjauh dari dinding yang lembap dan diberi alas kayu.
## Pelajaran untuk pelaku lain

Taman baca di {kelurahan} lahir dari ruang yang sudah ada dan buku yang sudah dimiliki warga. Biayanya kecil, tetapi manfaatnya besar karena dijalankan oleh relawan yang tinggal di kampung itu sendiri. Kuncinya adalah jadwal yang tetap, kegiatan yang menyenangkan, dan pencatatan sederhana yang dijaga bersama. Pemuda yang dulu hanya berkumpul di pos ronda kini merasa punya peran penting bagi adik-adiknya.
"""

PASAR = """## Pasar pagi yang semrawut

Setiap pagi, jalan di depan balai Kelurahan {kelurahan}, {kota}, berubah menjadi pasar. Puluhan pedagang menggelar dagangan di bahu jalan tanpa penataan, sehingga kendaraan tersendat dan pejalan kaki harus berjalan di tengah jalan. Sampah sayur dan plastik ditinggalkan begitu saja setelah pasar bubar. Warga mengeluh, tetapi para pedagang, yang sebagian besar adalah ibu-ibu dari kampung sekitar, tidak memiliki tempat lain untuk berjualan. Penertiban oleh petugas beberapa kali hanya membuat pedagang pindah sebentar lalu kembali lagi.

## Mencari jalan tengah

Fasilitator mengusulkan agar masalah pasar dibahas bersama pedagang, bukan hanya oleh pengurus kampung. Dalam pertemuan pertama yang dihadiri empat puluh pedagang, muncul kesepakatan bahwa mereka bersedia ditata asalkan tetap bisa berjualan di lokasi yang mudah dijangkau pembeli. {bkm} bersama pemerintah kelurahan menawarkan lahan kosong di samping balai yang selama ini hanya ditumbuhi rumput.

Rencana penataan disusun bersama: lahan diratakan dan diberi perkerasan, dibuat lapak sederhana beratap terpal dengan ukuran sama, disediakan tempat sampah terpilah, dan dibuat saluran agar air bekas cucian sayur tidak menggenang. Pedagang membentuk paguyuban yang mengatur pembagian lapak dengan cara diundi, sehingga tidak ada yang merasa dirugikan.

## Pembangunan dan aturan bersama

Pembangunan lapak berlangsung tiga minggu. Pedagang menyumbang tenaga dan sebagian bahan, sedangkan dana program menutup biaya perkerasan dan atap. Paguyuban menetapkan iuran harian dua ribu rupiah untuk kebersihan dan penerangan. Uang iuran dicatat oleh bendahara paguyuban dan dilaporkan setiap bulan dalam pertemuan pedagang. Aturan tertulis ditempel di pintu masuk pasar: jam buka sampai pukul sepuluh, sampah dibawa ke tempat pilah, dan bahu jalan harus bebas dari dagangan.

## Hasil yang terlihat

Jalan di depan balai kini lancar setiap pagi. Pasar warga menampung enam puluh dua lapak, lebih banyak dari jumlah pedagang sebelumnya, karena beberapa warga baru ikut berjualan makanan olahan. Pendapatan pedagang tidak turun; sebagian justru naik karena pembeli merasa nyaman berbelanja di tempat yang bersih dan teduh. Sampah organik dari pasar dikirim ke kelompok pembuat kompos di RW sebelah. Pemerintah kota menjadikan pasar ini contoh penataan pedagang kaki lima berbasis warga.


## Tantangan pada bulan-bulan pertama

Tidak semua pedagang langsung mau pindah. Beberapa pedagang lama merasa lapak di bahu jalan lebih ramai pembeli dan menolak ikut undian. Paguyuban bersama fasilitator mengunjungi mereka satu per satu, mendengarkan keberatannya, dan menawarkan masa percobaan satu bulan tanpa iuran. Setelah melihat pembeli justru lebih banyak datang ke lokasi baru yang teduh dan bersih, mereka bergabung dengan sendirinya. Masalah lain adalah pedagang dari luar kelurahan yang datang dan menggelar dagangan di pinggir jalan lagi. Paguyuban tidak mengusir mereka, tetapi menawarkan lapak cadangan yang masih kosong dengan aturan yang sama. Persoalan kebersihan juga sempat muncul ketika petugas kebersihan paguyuban sakit selama seminggu. Sejak itu disepakati bahwa setiap pedagang membersihkan area lapaknya sendiri sebelum pulang, dan petugas hanya mengurus area bersama serta saluran.
## Pelajaran

Penataan pasar di {kelurahan} berhasil karena pedagang diajak menentukan sendiri aturan mainnya. Undian lapak, iuran kecil yang terbuka, dan pengelolaan oleh paguyuban membuat penataan bertahan tanpa perlu penjagaan petugas. Fasilitator mencatat bahwa pendekatan yang sama bisa dipakai untuk masalah lain yang melibatkan kelompok usaha kecil di kampung.
"""

BECAK = """## Penarik becak yang terjerat utang

Sebagian besar dari tiga puluhan penarik becak di Kelurahan {kelurahan}, {kota}, tidak memiliki becak sendiri. Mereka menyewa dari juragan dengan setoran harian yang memakan hampir separuh penghasilan. Ketika sakit atau becak rusak, mereka terpaksa meminjam uang dengan bunga tinggi. Beberapa keluarga penarik becak tercatat sebagai keluarga miskin dalam pendataan kelurahan, dan anak-anak mereka ada yang putus sekolah untuk membantu mencari nafkah.

## Berkumpul menjadi kelompok

Fasilitator pertama kali bertemu para penarik becak di pangkalan dekat pasar. Dari obrolan santai, muncul gagasan untuk membentuk kelompok simpan pinjam yang kelak bisa membeli becak sendiri. Gagasan itu dibawa ke rembug warga dan mendapat dukungan. {bkm} memberikan pelatihan dasar tentang kelompok swadaya, pembukuan, dan tanggung jawab bersama. Dua puluh empat penarik becak sepakat menabung lima ribu rupiah setiap hari yang dikumpulkan oleh bendahara kelompok di pangkalan.

Setelah enam bulan menabung secara disiplin, kelompok mengajukan pinjaman bergulir kepada {bkm}. Pinjaman dipakai untuk membeli becak secara bertahap, dimulai dari anggota yang paling lama menabung dan paling tertib. Setiap anggota yang mendapat becak mengangsur dengan jumlah yang lebih kecil daripada setoran kepada juragan.

## Koperasi yang tumbuh

Kelompok kemudian berkembang menjadi koperasi becak dengan badan hukum. Koperasi membuka bengkel kecil di pangkalan, sehingga perbaikan becak lebih murah dan cepat. Anggota juga sepakat menyisihkan sebagian tabungan untuk dana sakit dan dana pendidikan anak. Pengurus koperasi, yang semuanya penarik becak, belajar membuat laporan keuangan sederhana yang dibacakan dalam rapat anggota setiap bulan.

Koperasi bekerja sama dengan sekolah dan pasar untuk layanan antar jemput langganan. Dengan begitu penghasilan anggota lebih pasti, terutama pada musim sepi penumpang.

## Perubahan bagi keluarga

Dalam dua tahun, delapan belas anggota telah memiliki becak sendiri dan tidak lagi membayar setoran harian. Rata-rata penghasilan bersih anggota naik hampir dua kali lipat. Tidak ada lagi anggota yang meminjam kepada rentenir, karena koperasi menyediakan pinjaman darurat dengan jasa yang disepakati bersama. Tiga anak penarik becak yang sempat putus sekolah kembali bersekolah dengan bantuan dana pendidikan koperasi. Tingkat pengembalian pinjaman bergulir tercatat hampir sempurna.


## Ujian kepercayaan

Koperasi sempat menghadapi ujian berat pada tahun pertama. Seorang anggota tidak mengangsur selama tiga bulan karena istrinya dirawat di rumah sakit. Sebagian anggota meminta becaknya ditarik, sementara yang lain merasa kasihan. Rapat anggota akhirnya memutuskan memberikan keringanan angsuran selama masa sakit dengan memakai dana sakit, asalkan angsuran dilanjutkan setelahnya. Keputusan itu dijalankan, dan anggota tersebut melunasi seluruh tunggakannya dalam enam bulan. Peristiwa ini justru memperkuat rasa saling percaya di antara anggota. Tantangan lain datang dari persaingan dengan ojek daring yang membuat penumpang berkurang. Koperasi menjawabnya dengan layanan langganan dan mengecat becak dengan warna seragam serta nomor anggota, sehingga penumpang merasa lebih aman dan mudah mengenali becak koperasi. Pengurus juga mencatat keluhan penumpang dan membahasnya dalam rapat bulanan.
## Pelajaran

Pengalaman koperasi becak di {kelurahan} menunjukkan bahwa kelompok yang paling rentan pun mampu mengelola keuangan bersama bila diberi kepercayaan dan pendampingan. Disiplin menabung sebelum meminjam membangun rasa tanggung jawab, dan pengurus yang berasal dari anggota sendiri membuat keputusan terasa adil. Kelurahan lain di {kota} kini mempelajari model ini untuk kelompok ojek dan pedagang keliling.
"""

PEMETAAN = """## Kampung yang tidak tercatat dengan baik

Data kependudukan di Kelurahan {kelurahan}, {kota}, sudah lama tidak diperbarui. Banyak keluarga pendatang belum tercatat, rumah baru di bantaran saluran tidak ada di peta kelurahan, dan daftar penerima bantuan sering tidak tepat sasaran. Ketika program mengajak warga menyusun rencana penataan kampung, fasilitator menyadari bahwa rencana yang baik membutuhkan data yang baik. Namun kelurahan tidak memiliki tenaga maupun biaya untuk melakukan pendataan ulang.

## Relawan muda turun ke lapangan

Fasilitator mengajak karang taruna dan mahasiswa yang tinggal di kampung untuk menjadi relawan pemetaan. Dua puluh tujuh anak muda mendaftar. Mereka dilatih selama dua hari tentang cara mewawancarai keluarga dengan sopan, mengisi formulir sederhana, menggambar denah rumah, dan menandai lokasi dengan aplikasi peta di telepon genggam. {bkm} menyediakan konsumsi, kaus seragam, dan pulsa data, sedangkan pengurus RT membantu memperkenalkan relawan kepada warga.

Pendataan dilakukan selama tiga minggu pada sore hari dan akhir pekan. Setiap tim terdiri dari dua relawan dan satu pendamping dari pengurus RT. Mereka mencatat jumlah anggota keluarga, kondisi rumah, sumber air, sanitasi, pekerjaan, dan kebutuhan yang dirasakan. Hasilnya diperiksa ulang oleh fasilitator untuk memastikan tidak ada data ganda atau terlewat.

## Peta yang dibaca bersama

Data yang terkumpul diolah menjadi peta besar yang dipasang di balai kelurahan. Rumah tidak layak huni ditandai merah, rumah tanpa jamban ditandai kuning, dan titik rawan banjir ditandai biru. Untuk pertama kalinya warga bisa melihat kondisi kampungnya secara utuh. Dalam rembug warga, peta itu menjadi dasar menentukan prioritas. Warga sepakat mendahulukan jamban sehat untuk tiga puluh satu keluarga dan perbaikan saluran di titik rawan banjir.

Relawan juga menyerahkan salinan data kepada pemerintah kelurahan. Data ini dipakai untuk memperbarui daftar penerima bantuan sosial, sehingga beberapa keluarga yang selama ini terlewat akhirnya mendapatkan haknya.

## Manfaat yang berlanjut

Pemetaan ini menumbuhkan rasa percaya diri anak-anak muda. Beberapa relawan kemudian diminta membantu pendataan di kelurahan tetangga, dan dua di antaranya bekerja sebagai tenaga pendata di kantor kecamatan. Pemerintah kelurahan menganggarkan pembaruan data setiap tahun dengan melibatkan relawan yang sama. Warga pun terbiasa melaporkan perubahan, seperti kelahiran atau kepindahan, kepada pengurus RT.


## Hambatan selama pendataan

Pendataan tidak selalu disambut baik. Sebagian keluarga curiga bahwa data akan dipakai untuk penggusuran atau penagihan pajak, sehingga menolak diwawancarai. Relawan bersama pengurus RT menjelaskan tujuan pendataan dalam pertemuan warga dan menunjukkan surat dukungan dari lurah. Formulir juga diubah agar tidak menanyakan hal yang tidak perlu, seperti besar penghasilan secara rinci. Setelah itu, penolakan berkurang drastis. Kendala teknis juga muncul: sinyal telepon yang lemah di beberapa gang membuat aplikasi peta sering macet. Relawan lalu mencatat titik lokasi di kertas terlebih dahulu dan memasukkannya ke aplikasi setelah kembali ke balai RW. Beberapa relawan sempat kelelahan karena harus mendata pada malam hari. Koordinator relawan menata ulang pembagian wilayah agar setiap tim hanya mendata sekitar dua puluh rumah dalam sehari.
## Pelajaran

Pengalaman {kelurahan} membuktikan bahwa data yang baik bisa dihasilkan oleh warga sendiri dengan biaya kecil. Pelatihan singkat, pendampingan pengurus RT, dan pemeriksaan ulang menjaga mutu data. Peta yang dipajang di tempat umum membuat data tidak berhenti di laporan, tetapi benar-benar dipakai untuk mengambil keputusan bersama.
"""

RESAPAN = """## Air hujan yang tidak punya jalan pulang

Kelurahan {kelurahan} di {kota} adalah kampung padat dengan gang selebar satu meter dan hampir tanpa tanah terbuka. Hampir semua halaman sudah disemen. Setiap hujan turun, air mengalir di permukaan menuju titik terendah di RW 07, lalu menggenang di depan rumah warga. Di musim kemarau, sebaliknya, sumur-sumur dangkal mengering dan warga harus membeli air. Warga mulai memahami bahwa kedua masalah itu berasal dari sebab yang sama: air hujan tidak lagi meresap ke dalam tanah.

## Belajar dari ahli dan dari tetangga

Fasilitator mengundang seorang dosen teknik lingkungan untuk menjelaskan cara kerja sumur resapan dan lubang biopori dalam pertemuan warga. Penjelasan disampaikan dengan gambar sederhana dan contoh nyata, sehingga mudah dipahami. Beberapa warga kemudian berkunjung ke kampung lain yang sudah lebih dulu membuat sumur resapan. Sepulang dari sana, mereka yakin cara ini cocok untuk kampungnya yang sempit.

Dalam rembug warga disepakati pembuatan dua puluh sumur resapan di titik-titik yang dipilih berdasarkan peta aliran air, serta lima ratus lubang biopori di halaman dan pinggir gang. {bkm} mendanai bahan seperti buis beton, ijuk, dan batu koral, sedangkan warga menyediakan tenaga dan alat.

## Bekerja bersama di gang sempit

Membuat sumur resapan di gang sempit tidak mudah. Tanah galian harus diangkut dengan ember karena gerobak tidak bisa masuk. Warga membagi tugas dengan rapi: bapak-bapak menggali, pemuda mengangkut tanah, dan ibu-ibu mengisi lubang biopori dengan sampah daun dari rumah masing-masing. Anak sekolah diajak membuat lubang biopori di halaman sekolah sebagai pelajaran lingkungan. Setiap sumur diberi nomor dan nama keluarga yang bertanggung jawab merawatnya.

Pekerjaan selesai dalam satu bulan. Kelompok pemelihara dibentuk untuk memeriksa sumur setiap tiga bulan dan membersihkan endapan lumpur agar daya resapnya tetap baik.

## Hasil yang bisa diukur

Musim hujan berikutnya, genangan di RW 07 surut dalam waktu kurang dari satu jam, padahal sebelumnya bisa bertahan sehari penuh. Pada musim kemarau, warga melaporkan air sumur dangkal tidak lagi kering seperti tahun-tahun sebelumnya. Kompos dari lubang biopori dipanen dan dipakai untuk tanaman dalam pot yang kini menghiasi gang. Dinas lingkungan hidup kota mencatat kelurahan ini sebagai contoh penerapan sumur resapan berbasis warga.


## Kendala teknis dan kesepakatan warga

Tidak semua titik yang direncanakan bisa digali. Di dua lokasi, penggalian menemukan pipa air bersih dan kabel listrik yang tidak tercatat. Pekerjaan dihentikan sementara dan lokasi digeser beberapa meter setelah berkonsultasi dengan petugas perusahaan air minum. Di lokasi lain, tanah ternyata berlapis cadas sehingga penggalian jauh lebih lambat dari perkiraan. Kelompok memutuskan menyewa alat bor tangan dengan biaya swadaya. Ada pula keluarga yang keberatan sumur resapan dibuat di depan rumahnya karena khawatir menimbulkan bau. Fasilitator menjelaskan bahwa sumur resapan hanya menampung air hujan, bukan air limbah, dan menunjukkan sumur contoh yang sudah berumur setahun di kampung lain. Setelah melihat langsung, keluarga itu setuju. Semua perubahan lokasi dicatat pada peta aliran air agar perawatan berikutnya tidak keliru.
## Pelajaran

Pengalaman di {kelurahan} menunjukkan bahwa kampung padat pun bisa berbuat banyak untuk menjaga air. Penjelasan yang mudah dipahami, kunjungan belajar, dan pembagian tanggung jawab per keluarga membuat warga merasa memiliki hasilnya. Perawatan rutin yang disepakati sejak awal menjadi kunci agar manfaatnya terus terasa.
"""

TEXTS += [("Bank sampah yang menabung masa depan", "Lingkungan", BANK_SAMPAH),
          ("Kader perempuan memimpin rembug warga", "Pemberdayaan perempuan", REMBUG),
          ("Posyandu yang kembali ramai", "Kesehatan", POSYANDU),
          ("Gang becek menjadi jalan paving", "Infrastruktur lingkungan", PAVING),
          ("Taman baca di balai RW", "Pendidikan", TAMAN_BACA),
          ("Pasar pagi yang tertata oleh pedagangnya", "Ekonomi warga", PASAR),
          ("Koperasi becak yang memutus utang", "Ekonomi warga", BECAK),
          ("Relawan muda memetakan kampung", "Partisipasi", PEMETAAN),
          ("Sumur resapan di kampung padat", "Lingkungan", RESAPAN)]

# The scene of each text's photos (portal.demo_scenes), in the order of TEXTS.
SCENES = ["saluran", "pasar", "sanitasi", "bank_sampah", "rembug", "posyandu", "jalan", "taman_baca", "pasar",
          "becak", "kerja_bakti", "kerja_bakti"]

# The facilitators who sign the demo pieces.
AUTHORS = ["Siti Nurhaliza", "Bambang Riyadi", "Ayu Kartika", "Daeng Sikki", "Yosefina Rumbiak", "Wahyu Setiawan",
           "Nurul Hidayah", "Andi Baso", "Kristina Sawor", "Eko Purnomo", "Sulastri", "Muhammad Ridwan",
           "Rosmini Daeng Ngai", "Paulus Yoku", "Indah Permatasari", "Arif Budiman", "Hasniati", "Yanto Prabowo"]
